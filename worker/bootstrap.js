// The module worker's entry: load the wasm module, start the thread pool if
// this is the threaded build, then let Rust install the message handler.
// Rust posts a Ready message once it listens, and the page sends nothing
// before that, so no message is lost during start-up.
import init, * as worker from "./worker.js";

// Compiling and instantiating the module: the start-up cost a cached
// compiled module saves (Numba's cache=True).
const loadStart = performance.now();
await init();
const moduleLoadMs = performance.now() - loadStart;
if (worker.initThreadPool) {
  // Threads are Web Workers started from this worker: nested workers.
  if (typeof Worker === "undefined") {
    throw new Error("this browser cannot start workers from a worker, so the threaded build cannot run");
  }
  const requested = Number(new URL(import.meta.url).searchParams.get("threads"));
  await worker.initThreadPool(requested > 0 ? requested : navigator.hardwareConcurrency);
}
worker.start_worker(moduleLoadMs);
