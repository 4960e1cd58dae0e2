// Jest's Node environment, with a temporary directory of its own for each test file, removed
// when the file is done (after its own afterAll hooks, which stop its servers). cdktf's
// Testing.app() makes a cdktf.outdir.* directory for every synth and never removes it: one run of
// the whole suite once left about 14,000 of them in the system's temporary directory. The
// Terraform tiers' stack copies and states, and the database servers' data and sockets, go there
// too. os.tmpdir() reads TMPDIR at each call and child processes inherit it, so it is set in the
// worker's own environment, before the test file's sandbox copies it.
const { chmodSync, mkdtempSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const path = require("node:path");
const { TestEnvironment } = require("jest-environment-node");

class ScratchEnvironment extends TestEnvironment {
  constructor(config, context) {
    const previous = process.env.TMPDIR;
    const scratch = mkdtempSync(path.join(tmpdir(), "rds-privatelink-test-"));
    // Others may pass through, not list it: the database servers of the integration tier run as
    // nobody in directories of their own below it (mkdtemp makes it 0700).
    chmodSync(scratch, 0o711);
    process.env.TMPDIR = scratch;
    super(config, context);
    this.scratch = scratch;
    this.previous = previous;
  }

  async teardown() {
    await super.teardown();
    if (this.previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = this.previous;
    rmSync(this.scratch, { recursive: true, force: true });
  }
}

module.exports = ScratchEnvironment;
