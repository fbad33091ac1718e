"""Checks every DKIM signature of one message with dkimpy (Debian python3-dkim), asking
the given DNS server (dnspython, UDP then TCP when truncated) for the keys.

    /usr/bin/python3 dkimpy_verify.py SERVER_IP PORT MESSAGE_FILE

Prints one line per signature and exits 0 when there is at least one and all pass, 1
otherwise. Run it with Debian's /usr/bin/python3: python3-dkim is installed there.
Test tool for tests/integration/dkim_test.cpp.
"""
import re
import sys

import dkim
import dns.flags
import dns.message
import dns.query
import dns.rdatatype


def main():
    server, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]

    def dnsfunc(name, timeout=5):
        qname = name.decode() if isinstance(name, bytes) else name
        query = dns.message.make_query(qname, dns.rdatatype.TXT)
        reply = dns.query.udp(query, server, port=port, timeout=timeout)
        if reply.flags & dns.flags.TC:
            reply = dns.query.tcp(query, server, port=port, timeout=timeout)
        for rrset in reply.answer:
            if rrset.rdtype == dns.rdatatype.TXT:
                for rdata in rrset:
                    return b"".join(rdata.strings)
        return None

    raw = open(path, "rb").read()
    msg = re.sub(rb"(?<!\r)\n", b"\r\n", raw)
    d = dkim.DKIM(msg)
    count = len(re.findall(rb"(?im)^dkim-signature:", msg.split(b"\r\n\r\n", 1)[0]))
    ok = count > 0
    for i in range(count):
        try:
            passed = d.verify(idx=i, dnsfunc=dnsfunc)
            why = ""
        except dkim.DKIMException as e:
            passed, why = False, " (%s)" % e
        print("signature %d: %s%s" % (i, "pass" if passed else "fail", why))
        ok = ok and passed
    if count == 0:
        print("no signatures")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
