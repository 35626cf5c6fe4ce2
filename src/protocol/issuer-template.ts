/**
 * Templated issuers, as Microsoft Entra ID's multi-tenant endpoints publish them: discovery at
 * `https://login.microsoftonline.com/common/v2.0` answers with the issuer
 * `https://login.microsoftonline.com/{tenantid}/v2.0`, and each token's `iss` names the user's own
 * tenant, equal to its `tid` claim. Only a client that opts in (`multiTenant`) accepts such an
 * issuer, and then only in this narrow form: the placeholder stands for exactly one path segment,
 * equal to the token's `tid`, optionally from an allow-list. Nothing else loosens issuer matching.
 *
 * @packageDocumentation
 */

/** The placeholder Entra ID puts where the tenant goes. */
export const TENANT_PLACEHOLDER = '{tenantid}';

// One path segment, never `.` or `..`, which a URL would resolve to another path.
const segment = /^(?!\.{1,2}$)[A-Za-z0-9._-]+$/;

/** The two fixed parts around the placeholder, when `issuer` is a template with exactly one. */
function parts(template: string): [string, string] | undefined {
  const [before, after, ...rest] = template.split(TENANT_PLACEHOLDER);
  return after === undefined || rest.length ? undefined : [before!, after];
}

/** The tenant `iss` names under `template`, or `undefined` when it does not fit the template. */
export function tenantOf(template: string, iss: string): string | undefined {
  const fixed = parts(template);
  if (!fixed || !iss.startsWith(fixed[0]) || !iss.endsWith(fixed[1])) return undefined;
  const tenant = iss.slice(fixed[0].length, iss.length - fixed[1].length);
  return segment.test(tenant) ? tenant : undefined;
}

/** True when `template` is `configured` with one of its path segments replaced by the placeholder. */
export const isTemplateOf = (template: string, configured: string): boolean => tenantOf(template, configured) !== undefined;

/**
 * The issuer a token of tenant `tid` must carry under `template`, or `undefined` when `tid` is no
 * single segment or is not among `tenants` (when an allow-list is given).
 */
export function issuerForTenant(template: string, tid: unknown, tenants?: readonly string[]): string | undefined {
  if (typeof tid !== 'string' || !segment.test(tid) || !parts(template)) return undefined;
  if (tenants && !tenants.includes(tid)) return undefined;
  return template.replace(TENANT_PLACEHOLDER, tid);
}
