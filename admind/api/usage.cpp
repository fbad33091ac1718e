// Usage endpoints 10-12 and 48-49 (api.md §4.3, §4.11, §3.8) and limits (13, §4.4).
// Counters come from the `emails` rows (UsageStore); periods and buckets from the period
// grammar in the caller's IANA time zone (admind/usage/period.h).
//
// Tenant-scoped keys see only their own tenant in the organisation-level views, and get
// 403 permission_denied for another tenant's usage.
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <charconv>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "admind/api/platform_services.h"
#include "admind/usage/period.h"

namespace ark::admind::api {
namespace {

using http::ApiError;
using http::Outcome;
using http::Reply;
using http::Request;

constexpr size_t kMaxBuckets = 2400;  // 100 days of hours
const std::vector<std::string> kTenantStatuses = {"active", "suspended", "archived"};

struct Window {
  usage::Period period;
  usage::TimeZone tz;
};

const std::string* query(const Request& req, const char* name) {
  auto it = req.query.find(name);
  return it == req.query.end() ? nullptr : &it->second;
}

std::variant<Window, ApiError> read_window(const PlatformServices& p, const Request& req) {
  usage::TimeZone tz = usage::TimeZone::utc();
  if (const auto* name = query(req, "timezone")) {
    auto loaded = usage::TimeZone::load(*name);
    if (!loaded) {
      return ApiError::validation("unknown time zone '" + *name + "'", "timezone",
                                  "Use an IANA zone name such as Europe/Berlin");
    }
    tz = *loaded;
  }
  const auto* text = query(req, "period");
  auto period = usage::resolve_period(text ? *text : "", tz, p.clock.now_us());
  if (!period) {
    return ApiError::validation(period.error().message, "period",
                                "Use today, this_month, 2024-01, 2024-01-15 or "
                                "2024-01-01..2024-01-31");
  }
  return Window{*period, tz};
}

Poco::JSON::Object::Ptr period_json(const usage::Period& p) {
  auto o = http::new_object();
  o->set("start", base::format_iso8601(p.start_us, true));
  o->set("end", base::format_iso8601(p.end_us - 1000, true));
  return o;
}

double ratio(int64_t part, int64_t whole) {
  if (whole == 0) {
    return 0.0;
  }
  return std::round(static_cast<double>(part) / static_cast<double>(whole) * 1e6) / 1e6;
}

double delivery_rate(const store::EmailCounts& c) {
  return ratio(c.delivered, c.sent);
}
double bounce_rate(const store::EmailCounts& c) {
  return ratio(c.bounced + c.hard_failed, c.sent);
}

void set_counts(Poco::JSON::Object::Ptr o, const store::EmailCounts& c) {
  o->set("sent", c.sent);
  o->set("delivered", c.delivered);
  o->set("soft_failed", c.soft_failed);
  o->set("hard_failed", c.hard_failed);
  o->set("bounced", c.bounced);
  o->set("held", c.held);
}

Poco::JSON::Object::Ptr counts_json(const store::EmailCounts& c) {
  auto o = http::new_object();
  set_counts(o, c);
  return o;
}

Poco::JSON::Object::Ptr rates_json(const store::EmailCounts& c) {
  auto o = http::new_object();
  o->set("delivery_rate", delivery_rate(c));
  o->set("bounce_rate", bounce_rate(c));
  return o;
}

// behaviour.md Appendix C.10: external_id is a tenant metadata value (key from config).
std::optional<std::string> external_id(const PlatformServices& p, const std::string& metadata) {
  try {
    auto v = Poco::JSON::Parser().parse(metadata);
    auto o = v.extract<Poco::JSON::Object::Ptr>();
    if (!o->has(p.settings.external_id_key)) {
      return std::nullopt;
    }
    auto value = o->get(p.settings.external_id_key);
    if (value.isEmpty()) {
      return std::nullopt;
    }
    return value.convert<std::string>();
  } catch (const Poco::Exception&) {
    return std::nullopt;
  }
}

Poco::Dynamic::Var nullable(const std::optional<std::string>& v) {
  return v ? Poco::Dynamic::Var(*v) : Poco::Dynamic::Var();
}

std::optional<std::string> only_tenant(const Request& req) {
  if (req.principal.org_level()) {
    return std::nullopt;
  }
  return req.principal.tenant_id;
}

Outcome org_summary(PlatformServices& p, Request& req) {
  auto w = read_window(p, req);
  if (auto* e = std::get_if<ApiError>(&w)) {
    return *e;
  }
  const auto& period = std::get<Window>(w).period;
  auto counts = p.usage.totals(period.start_us, period.end_us, only_tenant(req));
  auto tenants = p.usage.tenant_totals(period.start_us, period.end_us, only_tenant(req));
  if (!counts || !tenants) {
    return http::api_error_from(!counts ? counts.error() : tenants.error());
  }
  auto d = http::new_object();
  d->set("period", period_json(period));
  d->set("emails", counts_json(*counts));
  d->set("rates", rates_json(*counts));
  auto t = http::new_object();
  t->set("total", tenants->total);
  t->set("active", tenants->active);
  t->set("withActivity", tenants->with_activity);
  d->set("tenants", t);
  return Reply::ok(d);
}

// status / minSent filters shared by the tenant list and the export.
std::optional<ApiError> read_tenant_filters(const Request& req, store::UsageQuery* q) {
  if (const auto* s = query(req, "status")) {
    if (std::find(kTenantStatuses.begin(), kTenantStatuses.end(), *s) == kTenantStatuses.end()) {
      return ApiError::validation("status must be one of active, suspended, archived", "status");
    }
    q->tenant_status = *s;
  }
  if (const auto* m = query(req, "minSent")) {
    auto [ptr, ec] = std::from_chars(m->data(), m->data() + m->size(), q->min_sent);
    if (m->empty() || ec != std::errc() || ptr != m->data() + m->size() || q->min_sent < 0) {
      return ApiError::validation("minSent must be an integer >= 0", "minSent");
    }
  }
  q->only_tenant = only_tenant(req);
  return std::nullopt;
}

Poco::JSON::Object::Ptr tenant_item_json(const PlatformServices& p,
                                         const store::TenantUsageRow& r) {
  auto o = http::new_object();
  o->set("tenantId", r.tenant_id);
  o->set("tenantName", r.name);
  o->set("externalId", nullable(external_id(p, r.metadata_json)));
  o->set("status", r.status);
  o->set("emails", counts_json(r.counts));
  o->set("rates", rates_json(r.counts));
  return o;
}

Outcome tenants_list(PlatformServices& p, Request& req) {
  auto paging = parse_paging(req, false);
  if (auto* e = std::get_if<ApiError>(&paging)) {
    return *e;
  }
  auto page = std::get<http::Page>(paging);
  auto w = read_window(p, req);
  if (auto* e = std::get_if<ApiError>(&w)) {
    return *e;
  }
  store::UsageQuery q;
  q.start_us = std::get<Window>(w).period.start_us;
  q.end_us = std::get<Window>(w).period.end_us;
  if (const auto* s = query(req, "sort")) {
    if (!store::UsageStore::valid_sort(*s)) {
      return ApiError::validation("unknown sort '" + *s + "'", "sort",
                                  "sent, delivered, bounce_rate, delivery_rate or tenant_name, "
                                  "with a leading - for descending");
    }
    q.sort = *s;
  }
  if (auto e = read_tenant_filters(req, &q)) {
    return *e;
  }
  auto rows = p.usage.per_tenant(q, page.page, page.per_page, &page.total);
  if (!rows) {
    return http::api_error_from(rows.error());
  }
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& r : *rows) {
    items->add(tenant_item_json(p, r));
  }
  Reply reply = Reply::paged(items, page);
  reply.page_extras.emplace_back("period", period_json(std::get<Window>(w).period));
  return reply;
}

std::string number_text(double v) {
  std::ostringstream out;
  out << std::setprecision(6) << v;
  return out.str();
}

std::string csv_cell(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) {
    return v;
  }
  std::string q = "\"";
  for (char c : v) {
    q += c == '"' ? std::string("\"\"") : std::string(1, c);
  }
  return q + "\"";
}

Poco::JSON::Object::Ptr export_row_json(const PlatformServices& p, const store::TenantUsageRow& r,
                                        const usage::Period& period) {
  auto o = http::new_object();
  o->set("tenant_id", r.tenant_id);
  o->set("tenant_name", r.name);
  o->set("external_id", nullable(external_id(p, r.metadata_json)));
  o->set("status", r.status);
  set_counts(o, r.counts);
  o->set("delivery_rate", delivery_rate(r.counts));
  o->set("bounce_rate", bounce_rate(r.counts));
  o->set("period_start", base::format_iso8601(period.start_us, true));
  o->set("period_end", base::format_iso8601(period.end_us - 1000, true));
  return o;
}

std::string csv_line(const PlatformServices& p, const store::TenantUsageRow& r,
                     const usage::Period& period) {
  const auto& c = r.counts;
  std::vector<std::string> cells = {r.tenant_id,
                                    r.name,
                                    external_id(p, r.metadata_json).value_or(""),
                                    r.status,
                                    std::to_string(c.sent),
                                    std::to_string(c.delivered),
                                    std::to_string(c.soft_failed),
                                    std::to_string(c.hard_failed),
                                    std::to_string(c.bounced),
                                    std::to_string(c.held),
                                    number_text(delivery_rate(c)),
                                    number_text(bounce_rate(c)),
                                    base::format_iso8601(period.start_us, true),
                                    base::format_iso8601(period.end_us - 1000, true)};
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    line += (i ? "," : "") + csv_cell(cells[i]);
  }
  return line + "\r\n";
}

std::string condensed(const Poco::Dynamic::Var& v) {
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(v, out);
  return out.str();
}

Reply export_body(const PlatformServices& p, const std::vector<store::TenantUsageRow>& rows,
                  const usage::Period& period, const std::string& format, bool json_array) {
  std::string name = "usage-" + base::format_iso8601(period.start_us).substr(0, 10) + "_" +
                     base::format_iso8601(period.end_us - 1000).substr(0, 10);
  if (json_array) {
    Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
    for (const auto& r : rows) {
      arr->add(export_row_json(p, r, period));
    }
    return Reply::raw_body(condensed(arr), "application/json");
  }
  std::string body;
  Reply reply;
  if (format == "jsonl") {
    for (const auto& r : rows) {
      body += condensed(export_row_json(p, r, period)) + "\n";
    }
    reply = Reply::raw_body(std::move(body), "application/x-ndjson");
    name += ".jsonl";
  } else {
    body =
        "\xEF\xBB\xBF"
        "tenant_id,tenant_name,external_id,status,sent,delivered,soft_failed,"
        "hard_failed,bounced,held,delivery_rate,bounce_rate,period_start,period_end\r\n";
    for (const auto& r : rows) {
      body += csv_line(p, r, period);
    }
    reply = Reply::raw_body(std::move(body), "text/csv; charset=utf-8");
    name += ".csv";
  }
  reply.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + "\"");
  return reply;
}

Outcome usage_export(PlatformServices& p, Request& req) {
  std::string format = "csv";
  if (const auto* f = query(req, "format")) {
    if (*f != "csv" && *f != "jsonl") {
      return ApiError::validation("format must be csv or jsonl", "format");
    }
    format = *f;
  }
  auto w = read_window(p, req);
  if (auto* e = std::get_if<ApiError>(&w)) {
    return *e;
  }
  const auto& period = std::get<Window>(w).period;
  store::UsageQuery q;
  q.start_us = period.start_us;
  q.end_us = period.end_us;
  q.sort = "tenant_name";
  if (auto e = read_tenant_filters(req, &q)) {
    return *e;
  }
  int64_t total = 0;
  auto rows = p.usage.per_tenant(q, 1, 0, &total);
  if (!rows) {
    return http::api_error_from(rows.error());
  }
  // api.md §4.3 #11: the Go SDK sends exactly this Accept and expects a JSON array.
  bool json_array = req.header("accept").value_or("") == "application/json";
  return export_body(p, *rows, period, format, json_array);
}

// The tenant a per-tenant usage call names, after the scope and existence checks.
std::variant<store::TenantRow, ApiError> usage_tenant(PlatformServices& p, const Request& req) {
  auto it = req.params.find("tenantId");
  const std::string id = it == req.params.end() ? "" : it->second;
  if (!req.principal.may_access(id)) {
    return ApiError::permission_denied("this key is scoped to another tenant");
  }
  auto t = p.tenants.get(id);
  if (!t) {
    if (t.error().kind == base::ErrorKind::NotFound) {
      return ApiError::not_found("tenant " + id);
    }
    return http::api_error_from(t.error());
  }
  return *t;
}

Outcome tenant_usage(PlatformServices& p, Request& req) {
  auto t = usage_tenant(p, req);
  if (auto* e = std::get_if<ApiError>(&t)) {
    return *e;
  }
  const auto& tenant = std::get<store::TenantRow>(t);
  auto w = read_window(p, req);
  if (auto* e = std::get_if<ApiError>(&w)) {
    return *e;
  }
  const auto& period = std::get<Window>(w).period;
  auto counts = p.usage.totals(period.start_us, period.end_us, tenant.id);
  if (!counts) {
    return http::api_error_from(counts.error());
  }
  auto d = http::new_object();
  d->set("tenant_id", tenant.id);
  d->set("tenant_name", tenant.name);
  d->set("external_id", nullable(external_id(p, tenant.metadata_json)));
  d->set("period", period_json(period));
  d->set("emails", counts_json(*counts));
  d->set("rates", rates_json(*counts));
  return Reply::ok(d);
}

Poco::JSON::Array::Ptr points_json(const std::vector<int64_t>& starts,
                                   const std::vector<store::SlotCount>& slots) {
  std::vector<store::EmailCounts> buckets(starts.size());
  for (const auto& s : slots) {
    auto it = std::upper_bound(starts.begin(), starts.end(), s.slot_start_us);
    if (it != starts.begin()) {
      buckets[static_cast<size_t>(it - starts.begin()) - 1].add(s.status, s.count);
    }
  }
  Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
  for (size_t i = 0; i < starts.size(); ++i) {
    auto o = http::new_object();
    o->set("timestamp", base::format_iso8601(starts[i], true));
    set_counts(o, buckets[i]);
    arr->add(o);
  }
  return arr;
}

Outcome tenant_timeseries(PlatformServices& p, Request& req) {
  auto t = usage_tenant(p, req);
  if (auto* e = std::get_if<ApiError>(&t)) {
    return *e;
  }
  const auto& tenant = std::get<store::TenantRow>(t);
  auto w = read_window(p, req);
  if (auto* e = std::get_if<ApiError>(&w)) {
    return *e;
  }
  const auto& [period, tz] = std::get<Window>(w);
  usage::Granularity g = usage::Granularity::Day;
  std::string g_text = "day";
  if (const auto* text = query(req, "granularity")) {
    if (!usage::parse_granularity(*text, &g)) {
      return ApiError::validation("granularity must be hour, day, week or month", "granularity");
    }
    g_text = *text;
  }
  auto starts = usage::bucket_starts(period, g, tz, kMaxBuckets);
  if (!starts) {
    return ApiError::validation(starts.error().message, "granularity");
  }
  auto slots = p.usage.slots(tenant.id, period.start_us, period.end_us);
  if (!slots) {
    return http::api_error_from(slots.error());
  }
  auto d = http::new_object();
  d->set("tenant_id", tenant.id);
  d->set("tenant_name", tenant.name);
  d->set("granularity", g_text);
  d->set("period", period_json(period));
  d->set("data", points_json(*starts, *slots));
  return Reply::ok(d);
}

// sendLimit (api.md §3.16) of the caller's account: a tenant-scoped key's tenant, or for an
// organisation key the configured api.default_tenant; null when neither applies or the
// limit service cannot answer now.
Poco::Dynamic::Var send_limit_json(const PlatformServices& p, const Request& req) {
  std::string tenant =
      req.principal.org_level() ? p.settings.default_tenant : req.principal.tenant_id;
  if (tenant.empty() || !p.send_window) {
    return {};
  }
  auto w = p.send_window(tenant);
  if (!w) {
    return {};
  }
  auto o = http::new_object();
  bool limited = w->limit > 0;
  o->set("limit", limited ? Poco::Dynamic::Var(w->limit) : Poco::Dynamic::Var());
  o->set("used", w->used);
  o->set("remaining", limited ? Poco::Dynamic::Var(std::max<int64_t>(0, w->limit - w->used))
                              : Poco::Dynamic::Var());
  double percent =
      limited ? std::round(static_cast<double>(w->used) * 10000.0 / static_cast<double>(w->limit)) /
                    100.0
              : 0.0;
  o->set("usagePercent", limited ? Poco::Dynamic::Var(percent) : Poco::Dynamic::Var());
  o->set("approaching", limited && percent > 90.0);
  o->set("exceeded", limited && w->used >= w->limit);
  o->set("period", "hour");
  o->set("resetsAt", base::format_iso8601(w->reset_s * 1000000, true));
  return o;
}

Outcome limits(PlatformServices& p, Request& req) {
  http::RateState rate =
      req.rate ? *req.rate : p.rate_limiter.peek("key:" + std::to_string(req.principal.key_id));
  auto r = http::new_object();
  r->set("limit", rate.limit);
  r->set("remaining", rate.remaining);
  r->set("reset", rate.reset_s);
  r->set("period", "second");
  auto d = http::new_object();
  d->set("rateLimit", r);
  d->set("sendLimit", send_limit_json(p, req));
  d->set("billing", Poco::Dynamic::Var());  // billing is not part of this server
  return Reply::ok(d);
}

}  // namespace

void add_usage_routes(http::Router& r, PlatformServices& p) {
  r.add("GET", "/v1/usage", "usage.get", [&p](Request& q) { return org_summary(p, q); });
  r.add("GET", "/v1/usage/export", "usage.export", [&p](Request& q) { return usage_export(p, q); });
  r.add("GET", "/v1/usage/tenants", "usage.list_tenants",
        [&p](Request& q) { return tenants_list(p, q); });
  r.add("GET", "/v1/tenants/{tenantId}/usage", "tenants.usage.get",
        [&p](Request& q) { return tenant_usage(p, q); });
  r.add("GET", "/v1/tenants/{tenantId}/usage/timeseries", "tenants.usage.get_timeseries",
        [&p](Request& q) { return tenant_timeseries(p, q); });
}

void add_limits_routes(http::Router& r, PlatformServices& p) {
  r.add("GET", "/v1/limits", "limits.get", [&p](Request& q) { return limits(p, q); });
}

}  // namespace ark::admind::api
