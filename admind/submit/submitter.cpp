#include "admind/submit/submitter.h"

#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MailRecipient.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SMTPClientSession.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/StringPartSource.h>
#include <Poco/Timestamp.h>

#include <sstream>

#include "core/base/clock.h"

namespace ark::admind::submit {

using Poco::Net::MailMessage;

std::string compose(const OutgoingMessage& m) {
  MailMessage msg;
  msg.setSender(m.from_header);
  for (const auto& to : m.to_header) {
    msg.addRecipient(Poco::Net::MailRecipient(Poco::Net::MailRecipient::PRIMARY_RECIPIENT, to));
  }
  msg.setSubject(MailMessage::encodeWord(m.subject, "UTF-8"));
  msg.setDate(Poco::Timestamp::fromEpochTime(static_cast<std::time_t>(m.date_s)));
  msg.set("Message-ID", m.message_id);
  msg.set("MIME-Version", "1.0");
  msg.set(std::string("X-Ark-Binding"), m.binding);
  const bool both = !m.text.empty() && !m.html.empty();
  if (both) {
    msg.setContentType("multipart/alternative");
    msg.addPart("", new Poco::Net::StringPartSource(m.text, "text/plain; charset=utf-8"),
                MailMessage::CONTENT_INLINE, MailMessage::ENCODING_QUOTED_PRINTABLE);
    msg.addPart("", new Poco::Net::StringPartSource(m.html, "text/html; charset=utf-8"),
                MailMessage::CONTENT_INLINE, MailMessage::ENCODING_QUOTED_PRINTABLE);
  } else if (!m.html.empty()) {
    msg.setContentType("text/html; charset=utf-8");
    msg.setContent(m.html, MailMessage::ENCODING_QUOTED_PRINTABLE);
  } else {
    msg.setContentType("text/plain; charset=utf-8");
    msg.setContent(m.text, MailMessage::ENCODING_QUOTED_PRINTABLE);
  }
  std::ostringstream out;
  msg.write(out);
  return out.str();
}

base::Result<std::string> Submitter::submit(const OutgoingMessage& m) const {
  return submit_text(m.envelope_from, m.rcpts, compose(m));
}

base::Result<std::string> Submitter::submit_text(const std::string& envelope_from,
                                                 const std::vector<std::string>& rcpts,
                                                 const std::string& text) const {
  try {
    Poco::Net::StreamSocket socket;
    socket.connect(Poco::Net::SocketAddress(s_.host, static_cast<Poco::UInt16>(s_.port)),
                   Poco::Timespan(s_.timeout_s, 0));
    Poco::Net::SMTPClientSession session(socket);
    session.setTimeout(Poco::Timespan(s_.timeout_s, 0));
    session.login(s_.helo);
    session.sendAddresses(envelope_from, rcpts);
    session.sendData();
    std::istringstream in(text);
    session.sendMessage(in);
    session.close();
    return std::string("250 accepted");
  } catch (const Poco::Net::SMTPException& e) {
    int code = e.code();
    std::string why = e.displayText();
    if (code >= 500 && code < 600) {
      return base::Error::permanent("Postfix refused the message: " + why);
    }
    return base::Error::transient("Postfix deferred the message: " + why);
  } catch (const Poco::Exception& e) {
    return base::Error::transient("cannot submit to Postfix: " + e.displayText());
  }
}

}  // namespace ark::admind::submit
