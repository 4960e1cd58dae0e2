// Sizes the stacks build with that the cost estimate prices, in a module of their own: no cdktf
// and no provider classes, so `npm run cost` loads in a fraction of the time the constructs take.

/** How many alarms each layout gets (the cost estimate prices them); a test compares with the synthesized stacks. */
export const ALARMS_PER_LAYOUT = { cluster: 5, instance: 4, proxy: 5 } as const;

/** The failover function's memory; the cost estimate bills its runs at this size. */
export const FUNCTION_MEMORY_MB = 256;
