// Domain-name hygiene for sending domains: syntax normalisation and the registrable
// domain ("zone" in the API's DomainDNSRecords, spec/api.md §3.4), found with the Public
// Suffix List through libpsl: mail.example.com -> example.com, example.co.uk stays
// example.co.uk.
//
// libpsl uses the newer of its built-in list and Debian's publicsuffix package file
// (/usr/share/publicsuffix), loaded once per process.
//
// Thread-safety: pure functions over an immutable, lazily built list (static init).
#pragma once

#include <string>
#include <string_view>

#include "core/base/result.h"

namespace ark::dns {

// Lower-cases, drops one trailing dot, and checks hostname syntax: 2+ labels of 1-63
// characters [a-z0-9-] (no leading or trailing '-'), 253 characters at most. Internationalised
// names must come as A-labels ("xn--…"). Errors: Invalid.
base::Result<std::string> normalize_domain(std::string_view domain);

// The registrable domain of a normalised name. Errors: Invalid when the name is itself a
// public suffix ("co.uk", "com") or not a valid domain.
base::Result<std::string> registrable_domain(std::string_view domain);

}  // namespace ark::dns
