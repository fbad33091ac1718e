-- 008: mail held over the send limit goes out by itself once the tenant's windows have room
-- again (behaviour.md Appendix C.6: "released when the window allows (or by retry)").
-- admind's limit release (logs role, per node) counts a held message into the current
-- windows and sets release_requested_at in one transaction, then runs postsuper -H; the
-- follower clears held_at when Postfix logs the release. A message whose release was
-- requested is never counted again, only released again (after a crash or a failed
-- postsuper).
ALTER TABLE messages
  ADD COLUMN release_requested_at DATETIME(6) NULL,
  ADD KEY messages_held (node, held_at);
