// Presets that fill the create-key form. They are starting points, not policies: the
// form can change every value, and the tenant's expiry policies still apply on save.

export type KeyFormValues = {
  name?: string;
  description?: string;
  tags?: string[];
  scopes?: string[];
  expiresAt?: string;
  expiresInDays?: number;
  rateLimitPerMinute?: number;
  rateLimitPerHour?: number;
  rateLimitPerDay?: number;
  budgetCents?: number;
  budgetPeriod?: "TOTAL" | "MONTHLY";
  ipAllowlist?: string[];
  allowedEndpoints?: string[];
  allowedResources?: string[];
  metadata?: string;
};

export type KeyPresetId = "default" | "read-only" | "restricted";

export type KeyPreset = {
  id: KeyPresetId;
  label: string;
  description: string;
  /** Form values; `catalog` is the names of the tenant's active (not retired) scopes. */
  values: (catalog: readonly string[]) => KeyFormValues;
};

export const KEY_PRESETS: readonly KeyPreset[] = [
  {
    id: "default",
    label: "Default",
    description: "No restrictions. The organization's default expiry applies.",
    values: () => ({}),
  },
  {
    id: "read-only",
    label: "Read-only",
    description: "Every read scope in the catalog, expires in 30 days, 60 requests a minute.",
    values: (catalog) => ({
      scopes: catalog.filter((scope) => scope.endsWith(":read")),
      expiresInDays: 30,
      rateLimitPerMinute: 60,
    }),
  },
  {
    id: "restricted",
    label: "Restricted",
    description: "No scopes, expires in 7 days, 10 a minute and 1,000 a day, $10 in total.",
    values: () => ({
      scopes: [],
      expiresInDays: 7,
      rateLimitPerMinute: 10,
      rateLimitPerDay: 1000,
      budgetCents: 1000,
      budgetPeriod: "TOTAL",
    }),
  },
];

export function presetValues(id: KeyPresetId, catalog: readonly string[]): KeyFormValues {
  const preset = KEY_PRESETS.find((p) => p.id === id);
  return preset ? preset.values(catalog) : {};
}
