// Preloaded after tsx by the synth benchmark (node --require tsx/cjs --require bench/no-source-maps.js):
// tsx turns Node's source maps on, and cdktf captures a full stack trace for every token it creates,
// so each token pays for mapping every frame. The row that preloads this shows what that costs.
process.setSourceMapsEnabled(false);
