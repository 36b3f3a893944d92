import { assertChromiumInstalled } from "./support/chromium";

export default function globalSetup(): void {
  assertChromiumInstalled();
}
