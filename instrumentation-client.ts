import { z } from "zod";

// Runs in the browser before any of the app's modules. zod compiles object parsers with
// `new Function` when it may, and finds out by trying once; under the dashboard's
// Content Security Policy (no 'unsafe-eval') that try is refused and reported as a
// violation, though zod catches it and parses without compiling. Saying so up front
// skips the try, so a violation report always means something. The server, where no
// policy applies, keeps the compiled parsers.
z.config({ jitless: true });
