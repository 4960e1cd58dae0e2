// checkov from the project's scanner venv, offline, with the skips of security/checkov-skips.json.
import { execFile, execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");
export const SKIPS: Array<{ id: string; reason: string }> = JSON.parse(
  readFileSync(path.join(ROOT, "security", "checkov-skips.json"), "utf8"),
);

/**
 * Skips of one check for named resources only, where the check misreads them: a failure of that
 * check on a resource the pattern matches counts as skipped; on any other resource it stands.
 */
export const RESOURCE_SKIPS: Array<{ id: string; resource: string; reason: string }> = JSON.parse(
  readFileSync(path.join(ROOT, "security", "checkov-resource-skips.json"), "utf8"),
);

export interface CheckovSummary {
  passed: number;
  failed: number;
  skipped: number;
  failures: string[];
  /** Failures a resource skip took, by its check id. */
  resourceSkipped: Record<string, number>;
}

/**
 * Runs checkov from the project's scanner venv; offline (no platform calls, no downloads).
 * --compact leaves each check's code block out of the JSON: with them the matrix's report
 * outgrew the output buffer (277 MB once examples/platform-catalogue joined it), and only the
 * summary and the failed checks' ids, resources and files are read here.
 */
export function checkov(
  target: string,
  framework: "terraform_json" | "terraform_plan",
  asFile = false,
): CheckovSummary {
  const [file, args, options] = command(target, framework, asFile);
  return summarize(execFileSync(file, args, options));
}

/**
 * checkov without blocking this process: the e2e tier scans a plan while the emulator applies,
 * checkov's seconds of Python on one core beside Terraform's waiting on moto.
 */
export function checkovAsync(
  target: string,
  framework: "terraform_json" | "terraform_plan",
  asFile = false,
): Promise<CheckovSummary> {
  const [file, args, options] = command(target, framework, asFile);
  return new Promise((resolve, reject) =>
    execFile(file, args, options, (error, stdout, stderr) =>
      error ? reject(new Error(`checkov failed: ${stderr}`)) : resolve(summarize(stdout)),
    ),
  );
}

function command(target: string, framework: string, asFile: boolean) {
  const venv = execFileSync("bash", [path.join(ROOT, "scripts", "python-tools.sh"), "scanner"], {
    encoding: "utf8",
  }).trim();
  return [
    path.join(venv, "bin", "checkov"),
    [
      asFile ? "-f" : "-d",
      target,
      "--framework",
      framework,
      "--skip-download",
      "--skip-check",
      SKIPS.map((s) => s.id).join(","),
      "-o",
      "json",
      "--compact",
      "--soft-fail",
    ],
    {
      encoding: "utf8" as const,
      env: { ...process.env, BC_SKIP_MAPPING: "TRUE", CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: "false", LOG_LEVEL: "ERROR" },
      maxBuffer: 256 * 1024 * 1024,
    },
  ] as const;
}

function summarize(out: string): CheckovSummary {
  const reports = [JSON.parse(out)].flat();
  const summary: CheckovSummary = { passed: 0, failed: 0, skipped: 0, failures: [], resourceSkipped: {} };
  for (const r of reports) {
    summary.passed += r.summary?.passed ?? 0;
    summary.failed += r.summary?.failed ?? 0;
    summary.skipped += r.summary?.skipped ?? 0;
    for (const f of r.results?.failed_checks ?? []) {
      const skip = RESOURCE_SKIPS.find((s) => s.id === f.check_id && new RegExp(s.resource).test(f.resource));
      if (skip) {
        summary.failed--;
        summary.skipped++;
        summary.resourceSkipped[skip.id] = (summary.resourceSkipped[skip.id] ?? 0) + 1;
      } else summary.failures.push(`${f.check_id} ${f.check_name}: ${f.resource} (${f.file_path})`);
    }
  }
  return summary;
}
