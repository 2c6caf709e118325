/**
 * What the demo started, stopped in reverse order on every exit: the normal end, an error, and
 * Ctrl-C or SIGTERM. The components run detached (their own process groups, so a terminal's
 * Ctrl-C never reaches them), so nothing stops them unless this does.
 */
export class DemoCleanup {
  private readonly steps: { what: string; run: () => Promise<unknown> }[] = [];
  private readonly starting = new Set<Promise<unknown>>();
  private signalled: Promise<void> | undefined;

  /**
   * Awaits a start (LocalStack, the control plane) and registers its stop as soon as it resolves.
   * A signal during the start waits for it, so a component still starting is stopped once up
   * (a start that fails stops what it started itself, as the harness's starts do).
   */
  async started<T>(
    what: string,
    start: Promise<T>,
    stop: (value: T) => Promise<unknown>,
  ): Promise<T> {
    const registered = start.then((value) => {
      this.add(what, () => stop(value));
      return value;
    });
    this.starting.add(registered);
    try {
      return await registered;
    } finally {
      this.starting.delete(registered);
    }
  }

  /** Registers a stop step; the last registered runs first. */
  add(what: string, run: () => Promise<unknown>): void {
    this.steps.push({ what, run });
  }

  /** Waits for starts under way, then runs (and forgets) every step; failures are reported. */
  async runAll(): Promise<void> {
    await Promise.allSettled([...this.starting]);
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step.run();
      } catch (error) {
        process.stderr.write(`stopping ${step.what} failed: ${String(error)}\n`);
      }
    }
  }

  /**
   * On SIGINT/SIGTERM: says so, stops everything, exits 130/143. A second Ctrl-C while stopping
   * is ignored (once() then a no-op listener), so the stop is not cut short.
   */
  stopOnSignals(say: (line: string) => void): void {
    const exit = (code: number, signal: NodeJS.Signals) => {
      process.on(signal, () => undefined);
      say(`\n${signal}: stopping everything the demo started ...`);
      this.signalled = this.runAll().then(() => {
        say("stopped; nothing left running.");
        process.exit(code);
      });
    };
    process.once("SIGINT", () => exit(130, "SIGINT"));
    process.once("SIGTERM", () => exit(143, "SIGTERM"));
  }

  /**
   * After a signal, the demo's own steps fail as their components stop; this waits for the stop
   * (which exits the process) so that such an error neither prints nor cuts the stop short.
   */
  async afterSignal(): Promise<void> {
    if (this.signalled !== undefined) await this.signalled;
  }
}
