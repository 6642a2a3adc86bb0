// Smoke test of the client generated from docs/swagger.json (gen/api.ts, by
// swagger-typescript-api): against a real server started with --demo, an
// officer signs in, records an activity, checks in at its site, and a
// manager reads the KPI report. run-client-smoke.sh generates the client,
// type-checks this file with tsc (strict) and runs it with node.
//
// A field renamed in the Go code fails CI in one of two ways:
//  - the document follows (docs/ regenerated): the generated types no longer
//    have the old name, so `tsc` stops here before anything runs (this file
//    uses every field it checks by name);
//  - the document does not follow: the Swagger drift check fails, and the
//    Go tests' contract check (apitest/contract.go) reports the renamed field
//    as undocumented and the documented one as missing; the checks below
//    (expect) also see the documented field absent at run time.
import { Api, type HandlersKPIValueDTO } from "./gen/api.js";

const base = process.env.ETHICSOPS_BASE_URL;
if (!base) throw new Error("ETHICSOPS_BASE_URL is not set");

function expect(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error("smoke: " + what);
}

function client(): Api<string> {
  return new Api<string>({
    baseUrl: base,
    securityWorker: (token) => (token ? { headers: { Authorization: `Bearer ${token}` } } : {}),
  });
}

async function signIn(username: string, password: string): Promise<Api<string>> {
  const c = client();
  const { data } = await c.api.login({ username, password });
  expect(typeof data.access_token === "string" && data.access_token !== "", "login: access_token");
  expect(data.token_type === "Bearer" && data.expires_in > 0, "login: token_type and expires_in");
  expect(data.user.username === username, "login: user.username");
  c.setSecurityData(data.access_token);
  return c;
}

async function main(): Promise<void> {
  const officer = await signIn("officer", "demo-officer-2026");

  const units = await officer.api.listUnits({ limit: 1 });
  const unit = units.data.items[0];
  expect(unit !== undefined && unit.id !== "", "listUnits: a unit");

  const now = new Date();
  const created = await officer.api.createActivity({
    kind: "procurement_supervision",
    title: "「嘉義市東區道路改善工程」驗收（用戶端測試）",
    unit_id: unit.id,
    scheduled_at: now.toISOString(),
    site: { name: "嘉義市東區道路改善工程工地", address: "嘉義市東區民生路123號", lat: 23.4801, lng: 120.4491, radius_m: 100 },
    procurement: { case_no: "1151128-PW-001", case_title: "嘉義市東區道路改善工程", category: "works", budget_amount: 12500000, deficiencies: [], corrected: false },
  });
  const a = created.data;
  expect(created.status === 201, `createActivity: status ${created.status}`);
  expect(a.kind === "procurement_supervision" && a.status === "planned" && a.version >= 1, "createActivity: kind, status, version");
  expect(a.unit_id === unit.id && a.procurement?.case_no === "1151128-PW-001", "createActivity: unit_id, procurement.case_no");

  const checkin = await officer.api.createCheckin(a.id, {
    type: "arrive", lat: 23.4802, lng: 120.4492, accuracy_m: 12, captured_at: new Date().toISOString(),
  });
  expect(checkin.status === 201, `createCheckin: status ${checkin.status}`);
  expect(checkin.data.activity_id === a.id && checkin.data.geofence === "inside", `createCheckin: geofence ${checkin.data.geofence}`);
  expect(typeof checkin.data.distance_m === "number" && typeof checkin.data.clock_skew_s === "number", "createCheckin: distance_m (the site has coordinates), clock_skew_s");

  const started = await officer.api.getActivity(a.id);
  expect(started.data.status === "in_progress" && started.data.started_at != null, "getActivity: the first arrive started it");

  const manager = await signIn("manager", "demo-manager-2026");
  const report = await manager.api.kpiReport({ year: now.getFullYear() });
  const kpis: HandlersKPIValueDTO[] = report.data.kpis;
  expect(report.data.year === now.getFullYear() && report.data.roc_year === now.getFullYear() - 1911, "kpiReport: year, roc_year");
  expect(kpis.length > 0, "kpiReport: kpis");
  for (const k of kpis) {
    expect(typeof k.code === "string" && typeof k.name_zh === "string" && (k.actual === null || typeof k.actual === "number"), `kpiReport: row ${JSON.stringify(k)}`);
  }
  const proc = kpis.find((k) => k.code === "procurement_supervisions");
  expect(proc !== undefined, "kpiReport: procurement_supervisions row");
  console.log(`client smoke: activity ${a.id} (${started.data.status}), check-in ${checkin.data.geofence}, ${kpis.length} KPIs of ${report.data.year}; procurement_supervisions actual ${proc.actual}`);
}

main().catch((err: unknown) => {
  const r = err as { status?: number; error?: unknown };
  console.error("client smoke failed:", r.status ?? "", JSON.stringify(r.error ?? String(err)));
  process.exit(1);
});
