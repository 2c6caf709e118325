import { type PlannerRun, timePlans } from "./planner-world.js";

/**
 * Runs the planner benchmark's timing loop in a process of its own, started by bench/planner.ts
 * with the container image's V8 flags; prints the timings as one JSON line.
 */
const run = JSON.parse(process.argv[2] ?? "") as PlannerRun;
process.stdout.write(`${JSON.stringify(timePlans(run))}\n`);
