/* A test-only plugin in plain C, built several times with different definitions to produce
 * descriptors the host must refuse (or must handle), and to echo what the host passed.
 *
 *   VARIANT_MAJOR_DELTA  added to ARK_PLUGIN_ABI_MAJOR in the descriptor (another major)
 *   VARIANT_MINOR_DELTA  added to ARK_PLUGIN_ABI_MINOR in the descriptor (a newer minor)
 *   VARIANT_SIZE_DELTA   subtracted from struct_size (a truncated descriptor)
 *   VARIANT_REFUSE       the entry returns NULL (the plugin refuses the host)
 *   VARIANT_NO_ENTRY     the entry point is exported under a wrong name
 *   VARIANT_RESULT       the value deliver() returns (default ARK_RESULT_OK)
 *   VARIANT_LIE_LEN      deliver() reports lengths larger than the host's buffers
 *
 * deliver() writes "name|uuid|tenant|url|attempt|schema|ts|body|h1=v1;h2=v2;" into the
 * response excerpt and sets status_code 299, so tests can see exactly what crossed the ABI.
 * destroy() logs "destroyed". Ownership and threads: no state besides the malloc'd instance.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ark_plugin.h"

#ifndef VARIANT_MAJOR_DELTA
#define VARIANT_MAJOR_DELTA 0
#endif
#ifndef VARIANT_MINOR_DELTA
#define VARIANT_MINOR_DELTA 0
#endif
#ifndef VARIANT_SIZE_DELTA
#define VARIANT_SIZE_DELTA 0
#endif
#ifndef VARIANT_RESULT
#define VARIANT_RESULT ARK_RESULT_OK
#endif

struct ark_instance_plugin {
  const ark_host_v1* host;
};

static void put(ark_buf_host* buf, const char* ptr, size_t len) {
  size_t room = buf->cap - buf->len;
  size_t n = len < room ? len : room;
  if (n > 0) {
    memcpy(buf->ptr + buf->len, ptr, n);
  }
  buf->len += n;
}

static void put_str(ark_buf_host* buf, ark_str_host s) {
  put(buf, s.ptr, s.len);
}

static void put_text(ark_buf_host* buf, const char* text) {
  put(buf, text, strlen(text));
}

static ark_result create(const ark_host_v1* host, const ark_pair_host* config, size_t count,
                         ark_instance_plugin** out, ark_buf_host* error) {
  (void)config;
  if (count > 0) {
    put_text(error, "this plugin takes no configuration");
    return ARK_RESULT_INVALID;
  }
  *out = (ark_instance_plugin*)malloc(sizeof(ark_instance_plugin));
  if (*out == NULL) {
    return ARK_RESULT_FAIL_PERMANENT;
  }
  (*out)->host = host;
  return ARK_RESULT_OK;
}

static ark_result deliver(ark_instance_plugin* self, const ark_event_host_v1* ev,
                          uint64_t deadline_ms, ark_report_host_v1* report) {
  char num[96];
  ark_buf_host* out = &report->response_excerpt;
  size_t i;
  (void)self;
  (void)deadline_ms;
  put_str(out, ev->name);
  put_text(out, "|");
  put_str(out, ev->uuid);
  put_text(out, "|");
  put_str(out, ev->tenant_id);
  put_text(out, "|");
  put_str(out, ev->url);
  snprintf(num, sizeof num, "|%u|%u|%llu|", ev->attempt, ev->schema_version,
           (unsigned long long)ev->timestamp_unix_us);
  put_text(out, num);
  put_str(out, ev->body);
  put_text(out, "|");
  for (i = 0; i < ev->header_count; ++i) {
    put_str(out, ev->headers[i].name);
    put_text(out, "=");
    put_str(out, ev->headers[i].value);
    put_text(out, ";");
  }
  report->status_code = 299;
#ifdef VARIANT_LIE_LEN
  report->response_excerpt.len = report->response_excerpt.cap * 2;
  report->error.len = report->error.cap + 100;
#endif
  return VARIANT_RESULT;
}

static void destroy(ark_instance_plugin* self) {
  static const char kText[] = "destroyed";
  ark_str_plugin msg = {kText, sizeof kText - 1};
  self->host->log(self->host->ctx, ARK_LOG_INFO, msg);
  free(self);
}

static const ark_plugin_v1 kDescriptor = {ARK_PLUGIN_ABI_MAJOR + VARIANT_MAJOR_DELTA,
                                          ARK_PLUGIN_ABI_MINOR + VARIANT_MINOR_DELTA,
                                          sizeof(ark_plugin_v1) - VARIANT_SIZE_DELTA,
                                          ARK_PLUGIN_ROLE_HTTP_TRANSPORT,
                                          {"abi-variant", 11},
                                          {"0.0.1", 5},
                                          create,
                                          deliver,
                                          destroy};

/* VARIANT_NO_ENTRY exports the function under another name, so the symbol is missing. */
#ifdef VARIANT_NO_ENTRY
#define ENTRY_NAME ark_plugin_entry_misspelled
ARK_PLUGIN_EXPORT const ark_plugin_v1* ENTRY_NAME(const ark_host_v1* host);
#else
#define ENTRY_NAME ark_plugin_entry
#endif

ARK_PLUGIN_EXPORT const ark_plugin_v1* ENTRY_NAME(const ark_host_v1* host) {
#ifdef VARIANT_REFUSE
  (void)host;
  return NULL;
#else
  return host != NULL ? &kDescriptor : NULL;
#endif
}
