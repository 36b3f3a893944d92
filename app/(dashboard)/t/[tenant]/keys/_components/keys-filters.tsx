"use client";

import { type FormEvent, useEffect, useState } from "react";
import { useUrlState } from "@/components/data-table/use-url-state";
import { toKeySearchText } from "@/lib/keys/list-query";

const CONTROL = "rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm";

export type KeyFilterValues = {
  q?: string;
  status?: string;
  tag?: string;
  scope?: string;
  expiringWithinDays?: number;
  overBudget80?: boolean;
  unusedForDays?: number;
};

/** Search and filters; every change is a URL change, so the server filters. */
export function KeysFilters({ values, scopes }: { values: KeyFilterValues; scopes: string[] }) {
  const { setParams } = useUrlState();
  const [q, setQ] = useState(values.q ?? "");
  useEffect(() => setQ(values.q ?? ""), [values.q]);

  function onSearch(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // A pasted full key is cut to its display form before it reaches the URL.
    setParams({ q: toKeySearchText(q) });
  }

  const active = Object.values(values).some((v) => v !== undefined && v !== false && v !== "");
  return (
    <div className="mb-4 flex flex-wrap items-end gap-3">
      <search>
        <form onSubmit={onSearch} className="flex items-end gap-2">
          <div>
            <label htmlFor="key-search" className="block text-xs font-medium text-zinc-600">
              Search
            </label>
            <input
              id="key-search"
              type="search"
              value={q}
              onChange={(e) => setQ(e.target.value)}
              placeholder="Prefix, name or tag"
              className={`${CONTROL} w-64`}
            />
          </div>
          <button
            type="submit"
            className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm hover:bg-zinc-100"
          >
            Search
          </button>
        </form>
      </search>
      <div>
        <label htmlFor="filter-status" className="block text-xs font-medium text-zinc-600">
          Status
        </label>
        <select
          id="filter-status"
          className={CONTROL}
          value={values.status ?? ""}
          onChange={(e) => setParams({ status: e.target.value })}
        >
          <option value="">Any</option>
          <option value="ACTIVE">Active</option>
          <option value="SUSPENDED">Suspended</option>
          <option value="REVOKED">Revoked</option>
          <option value="EXPIRED">Expired</option>
        </select>
      </div>
      <div>
        <label htmlFor="filter-scope" className="block text-xs font-medium text-zinc-600">
          Scope
        </label>
        <select
          id="filter-scope"
          className={CONTROL}
          value={values.scope ?? ""}
          onChange={(e) => setParams({ scope: e.target.value })}
        >
          <option value="">Any</option>
          {scopes.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <NumberFilter
        id="filter-tag"
        label="Tag"
        value={values.tag}
        text
        onApply={(v) => setParams({ tag: v })}
      />
      <NumberFilter
        id="filter-expiring"
        label="Expiring within (days)"
        value={values.expiringWithinDays}
        onApply={(v) => setParams({ expiringWithinDays: v })}
      />
      <NumberFilter
        id="filter-unused"
        label="Unused for (days)"
        value={values.unusedForDays}
        onApply={(v) => setParams({ unusedForDays: v })}
      />
      <label className="flex items-center gap-2 pb-1.5 text-sm">
        <input
          type="checkbox"
          checked={Boolean(values.overBudget80)}
          onChange={(e) => setParams({ overBudget80: e.target.checked })}
          className="size-4"
        />
        Over 80% of budget
      </label>
      {active ? (
        <button
          type="button"
          className="pb-1.5 text-sm text-zinc-600 underline"
          onClick={() =>
            setParams({
              q: null,
              status: null,
              tag: null,
              scope: null,
              expiringWithinDays: null,
              overBudget80: null,
              unusedForDays: null,
            })
          }
        >
          Clear filters
        </button>
      ) : null}
    </div>
  );
}

function NumberFilter({
  id,
  label,
  value,
  text = false,
  onApply,
}: {
  id: string;
  label: string;
  value: string | number | undefined;
  text?: boolean;
  onApply: (value: string | null) => void;
}) {
  const [draft, setDraft] = useState(value === undefined ? "" : String(value));
  useEffect(() => setDraft(value === undefined ? "" : String(value)), [value]);
  return (
    <div>
      <label htmlFor={id} className="block text-xs font-medium text-zinc-600">
        {label}
      </label>
      <input
        id={id}
        type={text ? "text" : "number"}
        min={text ? undefined : 1}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() =>
          draft !== (value === undefined ? "" : String(value)) && onApply(draft.trim() || null)
        }
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            onApply(draft.trim() || null);
          }
        }}
        className={`${CONTROL} w-32`}
      />
    </div>
  );
}
