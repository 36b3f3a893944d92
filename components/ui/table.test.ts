import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Table } from "./table";

function render(props: Parameters<typeof Table>[0]): string {
  return renderToStaticMarkup(createElement(Table, props));
}

describe("Table", () => {
  it("names the table by its caption and heads every column with scope=col", () => {
    const html = render({
      caption: "Root keys",
      columns: [{ label: "Name" }, { label: "Actions", srOnly: true }],
      children: createElement("tr", null, createElement("td", null, "ci"), createElement("td")),
    });
    expect(html).toContain('<caption class="sr-only">Root keys</caption>');
    expect(html.match(/<th scope="col"/g)).toHaveLength(2);
    expect(html).toContain('<th scope="col" class="px-4 py-2">Name</th>');
    // A column without a visible header still has one for screen readers.
    expect(html).toContain('<span class="sr-only">Actions</span>');
    expect(html).toMatch(
      /<tbody class="divide-y divide-zinc-100"><tr><td>ci<\/td><td><\/td><\/tr><\/tbody>/,
    );
  });

  it("uses a column's own classes over the table's, and shows what comes after a label", () => {
    const html = render({
      caption: "Events",
      columns: [
        { label: "Time", after: createElement("span", null, " (UTC)") },
        { label: "Cost", className: "px-3 text-right" },
      ],
      headerCellClassName: "px-3 py-2 font-medium",
      frameClassName: "rounded-md border",
      tableClassName: "tabular-nums",
      children: null,
    });
    expect(html).toContain(
      '<th scope="col" class="px-3 py-2 font-medium">Time<span> (UTC)</span></th>',
    );
    expect(html).toContain('<th scope="col" class="px-3 text-right">Cost</th>');
    expect(html).toMatch(
      /^<div class="overflow-x-auto rounded-md border"><table class="min-w-full text-sm tabular-nums">/,
    );
  });
});
