"""The network a client address belongs to: a household's or an office's, roughly.

IPv4 addresses are grouped by /24 and IPv6 ones by /64 (what one subscriber usually gets), so
a person whose provider changes the last part of the address stays on the same network.
"""

import ipaddress

UNKNOWN = "desconocida"


def network_of(address: str | None) -> str:
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return UNKNOWN
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
