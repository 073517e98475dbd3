// The module worker's entry: load the wasm module, then let Rust install the
// message handler. Rust posts a Ready message once it listens, and the page
// sends nothing before that, so no message is lost during start-up.
import init, { start_worker } from "./worker.js";

await init();
start_worker();
