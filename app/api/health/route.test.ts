import { afterEach, describe, expect, it, vi } from "vitest";
import { setupTestDatabase } from "@/lib/testing/database";
import {
  discardBufferedUsageForTesting,
  flushUsage,
  pauseFlushTimerForTesting,
  recordUsage,
  resetUsageWriterForTesting,
  setUsageWriterForTesting,
} from "@/lib/usage/buffer";
import { usageEvent } from "@/lib/usage/test-support";
import {
  checkUsageWriter,
  QUARANTINE_WINDOW_MS,
  STALLED_AFTER_MS,
} from "@/lib/usage/writer-health";
import { GET } from "./route";

// Health says ok only while usage is being written: events that wait too long, or events
// the database refused, make it degraded with a reason (200: verification still works).

setupTestDatabase();

afterEach(() => {
  setUsageWriterForTesting(undefined);
  pauseFlushTimerForTesting(false);
  discardBufferedUsageForTesting();
  resetUsageWriterForTesting();
  vi.restoreAllMocks();
});

const event = () => usageEvent({ tenantId: "t_health", time: Date.now() });

async function health(): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await GET();
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("GET /api/health", () => {
  it("is ok while the database answers and usage is written", async () => {
    setUsageWriterForTesting(async () => {});
    recordUsage(event());
    await flushUsage();
    const { status, body } = await health();
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "ok", reasons: [], database: { ok: true } });
  });

  it("is degraded when events have waited longer than a few flush intervals", async () => {
    pauseFlushTimerForTesting(true);
    setUsageWriterForTesting(async () => {
      throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), {
        code: "ECONNREFUSED",
      });
    });
    const start = Date.now();
    for (let i = 0; i < 10; i++) recordUsage(event());
    await expect(flushUsage()).rejects.toThrow();
    // Not yet: a flush interval or two is normal.
    expect(checkUsageWriter(start + 1_000).ok).toBe(true);
    const late = checkUsageWriter(Date.now() + STALLED_AFTER_MS + 1_000);
    expect(late.ok).toBe(false);
    expect(late.reasons.join()).toMatch(/not being written: 10 waiting/);

    vi.spyOn(Date, "now").mockReturnValue(Date.now() + STALLED_AFTER_MS + 1_000);
    const { status, body } = await health();
    expect(status).toBe(200);
    expect(body.status).toBe("degraded");
    expect(String(body.reasons)).toMatch(/usage: usage events are not being written/);
  });

  it("is degraded after events were quarantined, and ok again after the window", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    setUsageWriterForTesting(async (events) => {
      if (events.some((e) => e.endpoint !== null)) {
        throw Object.assign(new Error("unsupported Unicode escape sequence"), { code: "22P05" });
      }
    });
    recordUsage(event());
    recordUsage({ ...event(), endpoint: "GET /a\u0000b" });
    recordUsage(event());
    await flushUsage();
    const { status, body } = await health();
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: "degraded",
      usage: { quarantined: { total: 1, recent: 1, unwritten: 0 } },
    });
    expect(String(body.reasons)).toMatch(/1 usage event was quarantined/);
    const later = checkUsageWriter(Date.now() + QUARANTINE_WINDOW_MS + 1_000);
    expect(later).toMatchObject({ ok: true, quarantined: { total: 1, recent: 0 } });
  });
});
