// Rewrites the README's diagram with the one synth writes for config/default.json
// (cdktf.out/diagram.md), so the picture on the front page is the demo share's own.
// A test keeps the two equal.
import { DEFAULT_CONFIG, loadConfigFile } from "../config/load";
import { mermaid } from "../stacks/diagram";
import { writeSection } from "./readme-section";
import { helpIfAsked } from "./usage";

export const BEGIN = "<!-- diagram:begin -->";
export const END = "<!-- diagram:end -->";

export function readmeDiagram(): string {
  return `\`\`\`mermaid\n${mermaid(loadConfigFile(DEFAULT_CONFIG))}\`\`\``;
}

if (require.main === module) {
  helpIfAsked(__filename);
  writeSection(BEGIN, END, readmeDiagram());
}
