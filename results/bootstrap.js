// The results worker's entry: load the module, then let Rust listen. Rust
// posts reply 0 (where the runs are kept) once the database is open, and the
// page sends nothing before that, so no request is lost during start-up.
import init, { start_results_worker } from "./results.js";

await init();
await start_results_worker();
