/* ark_plugin.h: the C ABI between ark-admind (the host) and event plugins (.so files).
 *
 * ABI version 1.0. This header is the whole contract: plain C, standard int, size and bool
 * headers only, so a plugin may be written in any language that can export a C function.
 * C++ authors should use the header-only SDK (ark_plugin_sdk.h), which adds RAII, string_view
 * and turns exceptions into result codes.
 *
 * THE APPEND-ONLY RULE (read this before editing the header)
 *   - Every struct below that carries a struct_size only ever grows at its END. A new field
 *     bumps ARK_PLUGIN_ABI_MINOR; readers check struct_size (ARK_PLUGIN_HAS_FIELD) before
 *     touching a field that a peer built against an older minor might not have.
 *   - Any other change (removing, reordering or retyping a field, changing the meaning of a
 *     field or of a result code, changing a callback's signature) bumps ARK_PLUGIN_ABI_MAJOR
 *     and resets the minor to 0.
 *   - The first three fields of ark_host_v1 and ark_plugin_v1 (abi_major, abi_minor,
 *     struct_size) keep their place in every major, so each side can read the other's
 *     version before interpreting anything else.
 *   - The host loads a plugin only if the majors are equal and the plugin's minor is <= the
 *     host's minor; anything else fails admind's startup with a line naming the file.
 *
 * TRUST
 *   A plugin runs inside ark-admind, with admind's privileges, its database credentials in
 *   memory and its signing keys in reach. Load only plugins you would run as that user.
 *   admind loads them from one configured directory only. Untrusted code does not belong
 *   here; if it is ever needed it moves out of process behind a versioned line protocol.
 *
 * OWNERSHIP
 *   Buffers are {pointer, length} and never NUL-terminated. Type names say who owns the
 *   bytes: ark_str_host (the host owns them; valid only during the call that passes them),
 *   ark_str_plugin (the plugin owns them; lifetime stated at each use), ark_buf_host (host
 *   memory the plugin may write into during the call). Every pointer field below carries an
 *   OWNERSHIP line.
 *
 * LIFECYCLE AND THREADS
 *   1. The host dlopen()s the file (RTLD_NOW | RTLD_LOCAL) and never dlclose()s it.
 *   2. It calls ark_plugin_entry() once per load, with its callback table. The plugin
 *      returns its const descriptor, or NULL to refuse the host (say why through host->log).
 *   3. create() once per configured instance; deliver() many times; destroy() once.
 *   deliver() may run concurrently on the same instance from several host threads; create()
 *   and destroy() never overlap another call on that instance. Host callbacks are safe to
 *   call from any thread.
 *
 * ERRORS
 *   Nothing unwinds across this boundary: no C++ exception, longjmp or signal may leave a
 *   plugin function. deliver() returns one of the ARK_RESULT_* values; a missed deadline is
 *   ARK_RESULT_RETRY. A host treats an unknown result value as ARK_RESULT_RETRY.
 *
 * PAYLOAD VERSIONING
 *   The JSON event body has its own schema_version (in ark_event_host_v1), independent of
 *   this ABI version.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ARK_PLUGIN_ABI_MAJOR 1
#define ARK_PLUGIN_ABI_MINOR 0

/* The one symbol a plugin exports (see ark_plugin_entry below). */
#define ARK_PLUGIN_ENTRY_SYMBOL "ark_plugin_entry"

#if defined(__GNUC__) || defined(__clang__)
#define ARK_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define ARK_PLUGIN_EXPORT
#endif

/* True when the struct at ptr (which starts with or contains struct_size) is large enough
 * to hold member `field` of `type`. Use before reading a field added in a later minor. */
#define ARK_PLUGIN_HAS_FIELD(ptr, type, field) \
  ((ptr)->struct_size >= offsetof(type, field) + sizeof(((type*)0)->field))

/* ---- result codes ---------------------------------------------------------------------- */

typedef uint32_t ark_result;
/* Delivered (for HTTP: any 2xx response). The host marks the delivery done. */
#define ARK_RESULT_OK 0u
/* Not delivered now, may work later: timeout, connection refused, non-2xx response, disk
 * full. The host retries with backoff. */
#define ARK_RESULT_RETRY 1u
/* Will never work for this target as configured (for example a URL refused by policy). The
 * host stops retrying this delivery. */
#define ARK_RESULT_FAIL_PERMANENT 2u
/* The host's input was unusable (bad URL, forbidden header, bad config). A host bug or a
 * configuration error; retrying the same input fails again. */
#define ARK_RESULT_INVALID 3u

typedef uint32_t ark_log_level;
#define ARK_LOG_DEBUG 0u
#define ARK_LOG_INFO 1u
#define ARK_LOG_WARNING 2u
#define ARK_LOG_ERROR 3u

/* What the host hands to deliver(). */
typedef uint32_t ark_plugin_role;
/* Called once per event. The target fields of ark_event_host_v1 (url, headers) are empty;
 * body is the event envelope as JSON. Example: a file or queue writer. */
#define ARK_PLUGIN_ROLE_SINK 1u
/* Called once per (event, HTTP endpoint). url and headers are set, and body is the exact
 * request body the headers' signature covers. The plugin only transports; it must send body
 * and headers unchanged. Example: the webhook plugin. */
#define ARK_PLUGIN_ROLE_HTTP_TRANSPORT 2u

/* ---- buffers ---------------------------------------------------------------------------- */

/* Bytes owned by the host.
 * OWNERSHIP: host; valid only until the function that received it returns. Copy to keep. */
typedef struct ark_str_host {
  const char* ptr; /* may be NULL when len == 0 */
  size_t len;
} ark_str_host;

/* Bytes owned by the plugin.
 * OWNERSHIP: plugin; the lifetime is stated wherever this type is used. */
typedef struct ark_str_plugin {
  const char* ptr; /* may be NULL when len == 0 */
  size_t len;
} ark_str_plugin;

/* A writable host buffer. The plugin writes at most cap bytes at ptr and stores the count it
 * wrote in len (truncating is fine). The host sets len = 0 before the call.
 * OWNERSHIP: host; writable only during the call that passes it. */
typedef struct ark_buf_host {
  char* ptr;
  size_t cap;
  size_t len;
} ark_buf_host;

/* A name/value pair (configuration entries, HTTP headers).
 * OWNERSHIP: host, like ark_str_host. */
typedef struct ark_pair_host {
  ark_str_host name;
  ark_str_host value;
} ark_pair_host;

/* ---- the host's callback table ---------------------------------------------------------- */

typedef struct ark_host_v1 {
  uint32_t abi_major;   /* ARK_PLUGIN_ABI_MAJOR of the host */
  uint32_t abi_minor;   /* ARK_PLUGIN_ABI_MINOR of the host */
  uint32_t struct_size; /* sizeof(ark_host_v1) as the host was built */
  uint32_t reserved0;   /* zero; keeps the pointers below aligned without hidden padding */
  /* OWNERSHIP: host; opaque, pass it back as the first argument of every callback. */
  void* ctx;
  /* Writes one log line attributed to the plugin instance. message: plugin-owned, read only
   * during the call. Never log secrets or message bodies. */
  void (*log)(void* ctx, ark_log_level level, ark_str_plugin message);
  /* Milliseconds on the host's monotonic clock; deadlines passed to deliver() use it. */
  uint64_t (*monotonic_ms)(void* ctx);
  /* Wall-clock time, milliseconds since the Unix epoch. */
  uint64_t (*wall_unix_ms)(void* ctx);
  /* Adds delta to the counter `name` (a metric name like "jsonl_lines_written").
   * name: plugin-owned, read only during the call. */
  void (*count)(void* ctx, ark_str_plugin name, uint64_t delta);
} ark_host_v1;

/* ---- one delivery ----------------------------------------------------------------------- */

typedef struct ark_event_host_v1 {
  uint32_t struct_size;       /* sizeof(ark_event_host_v1) as the host was built */
  uint32_t schema_version;    /* version of the JSON event body, not of this ABI */
  uint32_t attempt;           /* 1 for the first attempt of this delivery */
  uint32_t reserved0;         /* zero */
  uint64_t timestamp_unix_us; /* when the event happened */
  ark_str_host name;          /* OWNERSHIP: host, call. Event name, e.g. "MessageSent" */
  ark_str_host uuid;          /* OWNERSHIP: host, call. Stable across retries: dedupe on it */
  ark_str_host tenant_id;     /* OWNERSHIP: host, call. Owning tenant; empty if none */
  ark_str_host body;          /* OWNERSHIP: host, call. Exact bytes to send or store */
  /* HTTP target: set for ARK_PLUGIN_ROLE_HTTP_TRANSPORT, empty otherwise. */
  ark_str_host url; /* OWNERSHIP: host, call. Absolute http:// or https:// URL */
  /* OWNERSHIP: host, call. header_count entries; names and values exactly as to be sent.
   * They never include Host, Content-Length, Transfer-Encoding or Connection: those are
   * the transport's. */
  const ark_pair_host* headers;
  size_t header_count;
} ark_event_host_v1;

/* What deliver() reports besides its result. The host zeroes status_code and the lengths. */
typedef struct ark_report_host_v1 {
  uint32_t struct_size; /* sizeof(ark_report_host_v1) as the host was built */
  /* HTTP status of the final response; 0 when no response was received (connection
   * failure, timeout) or the role is not HTTP. */
  int32_t status_code;
  ark_buf_host response_excerpt; /* OWNERSHIP: host, call. First bytes of the response body */
  ark_buf_host error; /* OWNERSHIP: host, call. One line saying why, for any non-OK result */
} ark_report_host_v1;

/* ---- the plugin's descriptor ------------------------------------------------------------ */

/* An instance of a plugin; only the plugin knows its layout. */
typedef struct ark_instance_plugin ark_instance_plugin;

typedef struct ark_plugin_v1 {
  uint32_t abi_major;   /* ARK_PLUGIN_ABI_MAJOR the plugin was built against */
  uint32_t abi_minor;   /* ARK_PLUGIN_ABI_MINOR the plugin was built against */
  uint32_t struct_size; /* sizeof(ark_plugin_v1) as the plugin was built */
  ark_plugin_role role;
  ark_str_plugin name;    /* OWNERSHIP: plugin, static (valid until process exit) */
  ark_str_plugin version; /* OWNERSHIP: plugin, static. The plugin's own version string */

  /* Builds an instance from its configuration.
   * host: OWNERSHIP host; valid until destroy() of the instance returns, so the instance
   *   may keep the pointer.
   * config: OWNERSHIP host, call. config_count name/value pairs from admind's config file.
   * out: on ARK_RESULT_OK the plugin stores its new instance here. OWNERSHIP: the instance
   *   belongs to the plugin; the host hands it back to destroy() exactly once.
   * error: on failure, one line saying why (ARK_RESULT_INVALID for bad configuration).
   * Returns ARK_RESULT_OK, or any other result to refuse; admind then fails to start. */
  ark_result (*create)(const ark_host_v1* host, const ark_pair_host* config, size_t config_count,
                       ark_instance_plugin** out, ark_buf_host* error);

  /* Delivers one event. Must return by deadline_ms (host monotonic clock, see
   * ark_host_v1.monotonic_ms); a plugin that cannot finish in time returns
   * ARK_RESULT_RETRY. event and report: OWNERSHIP host, call. */
  ark_result (*deliver)(ark_instance_plugin* instance, const ark_event_host_v1* event,
                        uint64_t deadline_ms, ark_report_host_v1* report);

  /* Frees the instance. OWNERSHIP: consumes instance. */
  void (*destroy)(ark_instance_plugin* instance);
} ark_plugin_v1;

/* The entry point every plugin exports under ARK_PLUGIN_ENTRY_SYMBOL.
 * host: OWNERSHIP host; valid only during this call (create() receives its own).
 * Returns the plugin's descriptor (OWNERSHIP: plugin, static), or NULL when the plugin
 * refuses this host, for example because host->abi_major differs from its own. */
typedef const ark_plugin_v1* (*ark_plugin_entry_fn)(const ark_host_v1* host);

ARK_PLUGIN_EXPORT const ark_plugin_v1* ark_plugin_entry(const ark_host_v1* host);

#ifdef __cplusplus
}
#endif
