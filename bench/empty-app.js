// The smallest cdktf app: one empty stack. `cdktf synth` on it measures the CLI's own cost.
const { App, TerraformStack } = require("cdktf");
const app = new App();
new TerraformStack(app, "empty");
app.synth();
