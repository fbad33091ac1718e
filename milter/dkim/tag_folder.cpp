#include "milter/dkim/tag_folder.h"

namespace ark::milter::dkim {

void TagFolder::fold() {
  out_ += eol_;
  out_ += '\t';
  col_ = 8;  // a tab stop
}

void TagFolder::word(std::string_view token) {
  if (out_.empty()) {
    out_ += token;
    col_ += token.size();
    return;
  }
  if (col_ + 1 + token.size() > kMaxCol) {
    fold();
  } else {
    out_ += ' ';
    ++col_;
  }
  out_ += token;
  col_ += token.size();
}

void TagFolder::glued(std::string_view token) {
  if (col_ + token.size() > kMaxCol) {
    fold();
  }
  out_ += token;
  col_ += token.size();
}

void TagFolder::breakable(std::string_view text) {
  while (!text.empty()) {
    if (col_ >= kMaxCol) {
      fold();
    }
    size_t room = kMaxCol - col_;
    std::string_view piece = text.substr(0, room);
    out_ += piece;
    col_ += piece.size();
    text.remove_prefix(piece.size());
  }
}

}  // namespace ark::milter::dkim
