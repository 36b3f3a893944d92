-- Every usage batch updates the row of each (key, client IP) pair it saw. Its lastSeen
-- moves only about once a minute (CLIENT_IP_LAST_SEEN_PRECISION_MS in
-- lib/usage/flush-sql.ts), so most of those updates change no indexed column and can be
-- HOT updates (the new row version on the same page, no new index entries) as long as
-- the page has room. Leaving a fifth of each page free gives them that room: measured on
-- batches of 10,000 known pairs, about 150 ms per upsert without it, 80 ms with it.
-- Applies to pages written from now on. Prisma's schema cannot express storage parameters; migrations
-- written by `npm run db:migration` diff the schema files and leave it alone.
ALTER TABLE "UsageClientIp" SET (fillfactor = 80);
