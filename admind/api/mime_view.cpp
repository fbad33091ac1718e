#include "admind/api/mime_view.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Exception.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/MultipartReader.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/QuotedPrintableDecoder.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

#include <algorithm>
#include <limits>
#include <sstream>

namespace ark::admind::api {
namespace {

using Poco::Net::MessageHeader;

std::string decode(std::istream& in, const std::string& encoding) {
  std::string out;
  std::string enc = Poco::toLower(Poco::trim(encoding));
  if (enc == "base64") {
    Poco::Base64Decoder dec(in);
    Poco::StreamCopier::copyToString(dec, out);
  } else if (enc == "quoted-printable") {
    Poco::Net::QuotedPrintableDecoder dec(in);
    Poco::StreamCopier::copyToString(dec, out);
  } else {
    Poco::StreamCopier::copyToString(in, out);
  }
  return out;
}

std::string param(const std::string& header_value, const std::string& name) {
  std::string value;
  Poco::Net::NameValueCollection params;
  MessageHeader::splitParameters(header_value, value, params);
  return params.get(name, "");
}

std::string media_type(const std::string& content_type) {
  std::string value;
  Poco::Net::NameValueCollection params;
  MessageHeader::splitParameters(content_type, value, params);
  return Poco::toLower(Poco::trim(value));
}

void read_entity(const MessageHeader& h, std::istream& in, MimeView* view, int depth) {
  std::string ct = h.get("Content-Type", "text/plain");
  std::string type = media_type(ct);
  if (type.rfind("multipart/", 0) == 0 && depth < 8) {
    std::string boundary = param(ct, "boundary");
    if (boundary.empty()) {
      return;
    }
    Poco::Net::MultipartReader reader(in, boundary);
    while (reader.hasNextPart()) {
      MessageHeader part;
      reader.nextPart(part);
      read_entity(part, reader.stream(), view, depth + 1);
    }
    // The enclosing reader parses its next part header where this stream stops, so the
    // epilogue after our closing boundary is read up to the enclosing boundary. (Only
    // here: reading a leaf part again after its end would run into the next part.)
    if (depth > 0) {
      in.ignore(std::numeric_limits<std::streamsize>::max());
    }
    return;
  }
  std::string body = decode(in, h.get("Content-Transfer-Encoding", "7bit"));
  std::string disposition = h.get("Content-Disposition", "");
  std::string filename = param(disposition, "filename");
  if (filename.empty()) {
    filename = param(ct, "name");
  }
  bool attachment = media_type(disposition) == "attachment" || !filename.empty();
  if (attachment) {
    view->attachments.push_back({filename, type, std::move(body)});
  } else if (type == "text/plain" && !view->text) {
    view->text = std::move(body);
  } else if (type == "text/html" && !view->html) {
    view->html = std::move(body);
  }
}

}  // namespace

MimeView parse_mime(const std::string& raw) {
  MimeView view;
  try {
    std::istringstream in(raw);
    MessageHeader top;
    top.read(in);
    // MessageHeader::read stops before the empty line that ends the header.
    if (in.peek() == '\r') {
      in.get();
    }
    if (in.peek() == '\n') {
      in.get();
    }
    for (const auto& [name, value] : top) {
      auto it = std::find_if(view.headers.begin(), view.headers.end(),
                             [&](const auto& p) { return Poco::icompare(p.first, name) == 0; });
      if (it == view.headers.end()) {
        view.headers.emplace_back(name, value);
      } else {
        it->second += ", " + value;
      }
    }
    read_entity(top, in, &view, 0);
  } catch (const Poco::Exception&) {
    // A damaged stored message yields what was read before the damage.
  } catch (const std::exception&) {
  }
  return view;
}

}  // namespace ark::admind::api
