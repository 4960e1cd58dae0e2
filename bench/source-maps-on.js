// Preloaded after tsx by the synth benchmark (node --require tsx/cjs --require bench/source-maps-on.js):
// main.ts turns Node's source maps off unless RDS_PRIVATELINK_SOURCE_MAPS=1, because cdktf captures
// a full stack trace for every token it creates and tsx would map every frame of each. The row that
// preloads this keeps them on, to show what they cost.
process.env.RDS_PRIVATELINK_SOURCE_MAPS = "1";
