//! Socket addresses and name resolution for `_socket` (`socket.rs`): Python address objects
//! to and from C `sockaddr`s ([`parse_addr`], [`make_addr`]), the module-level functions that
//! do not need a socket (`getaddrinfo`, `getnameinfo`, `gethostname`, `gethostbyname[_ex]`,
//! `gethostbyaddr`, `getservbyname`/`getservbyport`, `getprotobyname`, `inet_aton`/`ntoa`/
//! `pton`/`ntop`, `htons`/`ntohs`/`htonl`/`ntohl`, `if_nametoindex`/`if_indextoname`), the
//! errors ([`errno_error`]: the `OSError` subclass CPython picks for an errno; `gaierror`,
//! `herror`) and the constants ([`CONSTS`], Linux's values).
//!
//! Addresses are CPython's: `AF_INET` `(host, port)`, `AF_INET6` `(host, port[, flowinfo[,
//! scope_id]])`, `AF_UNIX` a path (str or bytes; a leading NUL byte is Linux's abstract
//! namespace, returned as bytes). A host is `''` (any address), `'<broadcast>'`, a numeric
//! address or a name resolved with getaddrinfo(3). Names are encoded as UTF-8 (CPython uses
//! IDNA; the two agree for ASCII names).

use super::native_class::{arg, opt_arg};
use super::*;
use crate::interpreter::PyErr;
use std::ffi::{CStr, CString};
use std::mem::{size_of, zeroed};

/// The integer constants of `_socket` (Linux x86-64 values, as CPython 3.11 defines them).
pub(crate) const CONSTS: &[(&str, i64)] = &[
    ("AF_ALG", 38),
    ("AF_APPLETALK", 5),
    ("AF_ASH", 18),
    ("AF_ATMPVC", 8),
    ("AF_ATMSVC", 20),
    ("AF_AX25", 3),
    ("AF_BRIDGE", 7),
    ("AF_CAN", 29),
    ("AF_DECnet", 12),
    ("AF_ECONET", 19),
    ("AF_INET", 2),
    ("AF_INET6", 10),
    ("AF_IPX", 4),
    ("AF_IRDA", 23),
    ("AF_KEY", 15),
    ("AF_LLC", 26),
    ("AF_NETBEUI", 13),
    ("AF_NETLINK", 16),
    ("AF_NETROM", 6),
    ("AF_PACKET", 17),
    ("AF_PPPOX", 24),
    ("AF_QIPCRTR", 42),
    ("AF_RDS", 21),
    ("AF_ROSE", 11),
    ("AF_ROUTE", 16),
    ("AF_SECURITY", 14),
    ("AF_SNA", 22),
    ("AF_TIPC", 30),
    ("AF_UNIX", 1),
    ("AF_UNSPEC", 0),
    ("AF_VSOCK", 40),
    ("AF_WANPIPE", 25),
    ("AF_X25", 9),
    ("AI_ADDRCONFIG", 32),
    ("AI_ALL", 16),
    ("AI_CANONNAME", 2),
    ("AI_NUMERICHOST", 4),
    ("AI_NUMERICSERV", 1024),
    ("AI_PASSIVE", 1),
    ("AI_V4MAPPED", 8),
    ("EAI_ADDRFAMILY", -9),
    ("EAI_AGAIN", -3),
    ("EAI_BADFLAGS", -1),
    ("EAI_FAIL", -4),
    ("EAI_FAMILY", -6),
    ("EAI_MEMORY", -10),
    ("EAI_NODATA", -5),
    ("EAI_NONAME", -2),
    ("EAI_OVERFLOW", -12),
    ("EAI_SERVICE", -8),
    ("EAI_SOCKTYPE", -7),
    ("EAI_SYSTEM", -11),
    ("INADDR_ALLHOSTS_GROUP", 3758096385),
    ("INADDR_ANY", 0),
    ("INADDR_BROADCAST", 4294967295),
    ("INADDR_LOOPBACK", 2130706433),
    ("INADDR_MAX_LOCAL_GROUP", 3758096639),
    ("INADDR_NONE", 4294967295),
    ("INADDR_UNSPEC_GROUP", 3758096384),
    ("IPPORT_RESERVED", 1024),
    ("IPPORT_USERRESERVED", 5000),
    ("IPPROTO_AH", 51),
    ("IPPROTO_DSTOPTS", 60),
    ("IPPROTO_EGP", 8),
    ("IPPROTO_ESP", 50),
    ("IPPROTO_FRAGMENT", 44),
    ("IPPROTO_GRE", 47),
    ("IPPROTO_HOPOPTS", 0),
    ("IPPROTO_ICMP", 1),
    ("IPPROTO_ICMPV6", 58),
    ("IPPROTO_IDP", 22),
    ("IPPROTO_IGMP", 2),
    ("IPPROTO_IP", 0),
    ("IPPROTO_IPIP", 4),
    ("IPPROTO_IPV6", 41),
    ("IPPROTO_MPTCP", 262),
    ("IPPROTO_NONE", 59),
    ("IPPROTO_PIM", 103),
    ("IPPROTO_PUP", 12),
    ("IPPROTO_RAW", 255),
    ("IPPROTO_ROUTING", 43),
    ("IPPROTO_RSVP", 46),
    ("IPPROTO_SCTP", 132),
    ("IPPROTO_TCP", 6),
    ("IPPROTO_TP", 29),
    ("IPPROTO_UDP", 17),
    ("IPPROTO_UDPLITE", 136),
    ("IPV6_CHECKSUM", 7),
    ("IPV6_DONTFRAG", 62),
    ("IPV6_DSTOPTS", 59),
    ("IPV6_HOPLIMIT", 52),
    ("IPV6_HOPOPTS", 54),
    ("IPV6_JOIN_GROUP", 20),
    ("IPV6_LEAVE_GROUP", 21),
    ("IPV6_MULTICAST_HOPS", 18),
    ("IPV6_MULTICAST_IF", 17),
    ("IPV6_MULTICAST_LOOP", 19),
    ("IPV6_NEXTHOP", 9),
    ("IPV6_PATHMTU", 61),
    ("IPV6_PKTINFO", 50),
    ("IPV6_RECVDSTOPTS", 58),
    ("IPV6_RECVHOPLIMIT", 51),
    ("IPV6_RECVHOPOPTS", 53),
    ("IPV6_RECVPATHMTU", 60),
    ("IPV6_RECVPKTINFO", 49),
    ("IPV6_RECVRTHDR", 56),
    ("IPV6_RECVTCLASS", 66),
    ("IPV6_RTHDR", 57),
    ("IPV6_RTHDRDSTOPTS", 55),
    ("IPV6_RTHDR_TYPE_0", 0),
    ("IPV6_TCLASS", 67),
    ("IPV6_UNICAST_HOPS", 16),
    ("IPV6_V6ONLY", 26),
    ("IP_ADD_MEMBERSHIP", 35),
    ("IP_BIND_ADDRESS_NO_PORT", 24),
    ("IP_DEFAULT_MULTICAST_LOOP", 1),
    ("IP_DEFAULT_MULTICAST_TTL", 1),
    ("IP_DROP_MEMBERSHIP", 36),
    ("IP_HDRINCL", 3),
    ("IP_MAX_MEMBERSHIPS", 20),
    ("IP_MULTICAST_IF", 32),
    ("IP_MULTICAST_LOOP", 34),
    ("IP_MULTICAST_TTL", 33),
    ("IP_OPTIONS", 4),
    ("IP_RECVOPTS", 6),
    ("IP_RECVRETOPTS", 7),
    ("IP_RECVTOS", 13),
    ("IP_RETOPTS", 7),
    ("IP_TOS", 1),
    ("IP_TRANSPARENT", 19),
    ("IP_TTL", 2),
    ("MSG_CMSG_CLOEXEC", 1073741824),
    ("MSG_CONFIRM", 2048),
    ("MSG_CTRUNC", 8),
    ("MSG_DONTROUTE", 4),
    ("MSG_DONTWAIT", 64),
    ("MSG_EOR", 128),
    ("MSG_ERRQUEUE", 8192),
    ("MSG_FASTOPEN", 536870912),
    ("MSG_MORE", 32768),
    ("MSG_NOSIGNAL", 16384),
    ("MSG_OOB", 1),
    ("MSG_PEEK", 2),
    ("MSG_TRUNC", 32),
    ("MSG_WAITALL", 256),
    ("NI_DGRAM", 16),
    ("NI_MAXHOST", 1025),
    ("NI_MAXSERV", 32),
    ("NI_NAMEREQD", 8),
    ("NI_NOFQDN", 4),
    ("NI_NUMERICHOST", 1),
    ("NI_NUMERICSERV", 2),
    ("PF_CAN", 29),
    ("PF_PACKET", 17),
    ("PF_RDS", 21),
    ("SCM_CREDENTIALS", 2),
    ("SCM_J1939_DEST_ADDR", 1),
    ("SCM_J1939_DEST_NAME", 2),
    ("SCM_J1939_ERRQUEUE", 4),
    ("SCM_J1939_PRIO", 3),
    ("SCM_RIGHTS", 1),
    ("SHUT_RD", 0),
    ("SHUT_RDWR", 2),
    ("SHUT_WR", 1),
    ("SOCK_CLOEXEC", 524288),
    ("SOCK_DGRAM", 2),
    ("SOCK_NONBLOCK", 2048),
    ("SOCK_RAW", 3),
    ("SOCK_RDM", 4),
    ("SOCK_SEQPACKET", 5),
    ("SOCK_STREAM", 1),
    ("SOL_ALG", 279),
    ("SOL_CAN_BASE", 100),
    ("SOL_CAN_RAW", 101),
    ("SOL_IP", 0),
    ("SOL_RDS", 276),
    ("SOL_SOCKET", 1),
    ("SOL_TCP", 6),
    ("SOL_TIPC", 271),
    ("SOL_UDP", 17),
    ("SOMAXCONN", 4096),
    ("SO_ACCEPTCONN", 30),
    ("SO_BINDTODEVICE", 25),
    ("SO_BROADCAST", 6),
    ("SO_DEBUG", 1),
    ("SO_DOMAIN", 39),
    ("SO_DONTROUTE", 5),
    ("SO_ERROR", 4),
    ("SO_INCOMING_CPU", 49),
    ("SO_J1939_ERRQUEUE", 4),
    ("SO_J1939_FILTER", 1),
    ("SO_J1939_PROMISC", 2),
    ("SO_J1939_SEND_PRIO", 3),
    ("SO_KEEPALIVE", 9),
    ("SO_LINGER", 13),
    ("SO_MARK", 36),
    ("SO_OOBINLINE", 10),
    ("SO_PASSCRED", 16),
    ("SO_PASSSEC", 34),
    ("SO_PEERCRED", 17),
    ("SO_PEERSEC", 31),
    ("SO_PRIORITY", 12),
    ("SO_PROTOCOL", 38),
    ("SO_RCVBUF", 8),
    ("SO_RCVLOWAT", 18),
    ("SO_RCVTIMEO", 20),
    ("SO_REUSEADDR", 2),
    ("SO_REUSEPORT", 15),
    ("SO_SNDBUF", 7),
    ("SO_SNDLOWAT", 19),
    ("SO_SNDTIMEO", 21),
    ("SO_TYPE", 3),
    ("SO_VM_SOCKETS_BUFFER_MAX_SIZE", 2),
    ("SO_VM_SOCKETS_BUFFER_MIN_SIZE", 1),
    ("SO_VM_SOCKETS_BUFFER_SIZE", 0),
    ("TCP_CONGESTION", 13),
    ("TCP_CORK", 3),
    ("TCP_DEFER_ACCEPT", 9),
    ("TCP_FASTOPEN", 23),
    ("TCP_INFO", 11),
    ("TCP_KEEPCNT", 6),
    ("TCP_KEEPIDLE", 4),
    ("TCP_KEEPINTVL", 5),
    ("TCP_LINGER2", 8),
    ("TCP_MAXSEG", 2),
    ("TCP_NODELAY", 1),
    ("TCP_NOTSENT_LOWAT", 25),
    ("TCP_QUICKACK", 12),
    ("TCP_SYNCNT", 7),
    ("TCP_USER_TIMEOUT", 18),
    ("TCP_WINDOW_CLAMP", 10),
    ("UDPLITE_RECV_CSCOV", 11),
    ("UDPLITE_SEND_CSCOV", 10),
];

/// A C socket address and its length.
pub(crate) struct SockAddr {
    pub st: libc::sockaddr_storage,
    pub len: libc::socklen_t,
}

impl SockAddr {
    /// Zeroed, with the length set to the whole storage (for calls that fill it in).
    pub fn empty() -> SockAddr {
        SockAddr {
            // SAFETY: sockaddr_storage is plain old data; all zeros is a valid value.
            st: unsafe { zeroed() },
            len: size_of::<libc::sockaddr_storage>() as libc::socklen_t,
        }
    }
    pub fn ptr(&self) -> *const libc::sockaddr {
        (&self.st as *const libc::sockaddr_storage).cast()
    }
    pub fn mut_ptr(&mut self) -> *mut libc::sockaddr {
        (&mut self.st as *mut libc::sockaddr_storage).cast()
    }
}

fn raise(exc: PyResult<Value>) -> PyErr {
    match exc {
        Ok(e) => PyErr(e),
        Err(e) => e,
    }
}

/// The text of errno `code` (strerror), without Rust's " (os error N)".
fn errno_text(code: i32) -> String {
    let text = std::io::Error::from_raw_os_error(code).to_string();
    text.split(" (os error").next().unwrap_or("").to_string()
}

/// `OSError(code, strerror)` as CPython raises it: `OSError.__new__` picks the subclass
/// for the errno (`BlockingIOError`, `ConnectionRefusedError`, `TimeoutError`, ...).
pub(crate) fn errno_error(code: i32) -> PyErr {
    raise(ops::call(
        Value::obj(vm::cls(C::OSError)),
        &[Value::small(code as i64), new_string(errno_text(code))],
    ))
}

/// [`errno_error`] for the errno the last failed call left.
pub(crate) fn last_error() -> PyErr {
    errno_error(last_errno())
}

pub(crate) fn last_errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// `OSError(msg)` with no errno.
pub(crate) fn plain_os_error(msg: &str) -> PyErr {
    vm::exc(C::OSError, msg)
}

/// An instance of `_socket.NAME` (`gaierror`, `herror`) with `args`.
fn module_error(name: &str, args: &[Value]) -> PyErr {
    let cls = crate::import::load_module("_socket").and_then(|m| ops::getattr(m, vm::intern(name)));
    match cls {
        Ok(c) => raise(ops::call(c, args)),
        Err(e) => e,
    }
}

/// The error for a failed getaddrinfo/getnameinfo: `gaierror(code, gai_strerror(code))`,
/// or the `OSError` of errno for `EAI_SYSTEM`.
pub(crate) fn gai_error(code: i32) -> PyErr {
    if code == libc::EAI_SYSTEM {
        return last_error();
    }
    // SAFETY: gai_strerror returns a pointer to a static NUL-terminated string.
    let text = unsafe { CStr::from_ptr(libc::gai_strerror(code)) }
        .to_string_lossy()
        .into_owned();
    module_error("gaierror", &[Value::small(code as i64), new_string(text)])
}

/// A host or name argument: str, bytes or bytearray.
pub(crate) fn text_arg(v: Value) -> PyResult<String> {
    if let Some(s) = as_str(v) {
        return Ok(s.s.to_string());
    }
    if let Some(b) = ops::bytes_like(v) {
        return String::from_utf8(b).map_err(|_| value_error("host name must be valid UTF-8"));
    }
    Err(type_error(format!(
        "str, bytes or bytearray expected, not {}",
        vm::type_name(v)
    )))
}

fn cstring(s: &str) -> PyResult<CString> {
    CString::new(s).map_err(|_| value_error("embedded null character"))
}

/// One getaddrinfo(3) result: (family, type, proto, canonname, address).
type AddrInfo = (i32, i32, i32, String, SockAddr);

/// The results of getaddrinfo(3).
fn addrinfo(
    host: Option<&str>,
    port: Option<&str>,
    hints: &libc::addrinfo,
) -> PyResult<Vec<AddrInfo>> {
    let h = host.map(cstring).transpose()?;
    let p = port.map(cstring).transpose()?;
    let mut res: *mut libc::addrinfo = std::ptr::null_mut();
    vm::flush_stdout();
    // SAFETY: the strings are NUL-terminated and outlive the call; `res` receives a list
    // that is freed below.
    let rc = unsafe {
        libc::getaddrinfo(
            h.as_ref().map_or(std::ptr::null(), |s| s.as_ptr()),
            p.as_ref().map_or(std::ptr::null(), |s| s.as_ptr()),
            hints,
            &mut res,
        )
    };
    if rc != 0 {
        return Err(gai_error(rc));
    }
    let mut out = Vec::new();
    let mut cur = res;
    while !cur.is_null() {
        // SAFETY: `cur` is a node of the list getaddrinfo returned, not yet freed.
        let ai = unsafe { &*cur };
        let mut sa = SockAddr::empty();
        let n = (ai.ai_addrlen as usize).min(size_of::<libc::sockaddr_storage>());
        if !ai.ai_addr.is_null() {
            // SAFETY: ai_addr points to ai_addrlen bytes; we copy at most the storage size.
            unsafe {
                std::ptr::copy_nonoverlapping(ai.ai_addr.cast::<u8>(), sa.mut_ptr().cast::<u8>(), n)
            };
        }
        sa.len = n as libc::socklen_t;
        let canon = if ai.ai_canonname.is_null() {
            String::new()
        } else {
            // SAFETY: a NUL-terminated string owned by the list.
            unsafe { CStr::from_ptr(ai.ai_canonname) }
                .to_string_lossy()
                .into_owned()
        };
        out.push((ai.ai_family, ai.ai_socktype, ai.ai_protocol, canon, sa));
        cur = ai.ai_next;
    }
    // SAFETY: `res` came from a successful getaddrinfo and is freed once.
    unsafe { libc::freeaddrinfo(res) };
    Ok(out)
}

fn hints(family: i32, socktype: i32, proto: i32, flags: i32) -> libc::addrinfo {
    // SAFETY: addrinfo is plain old data; zero is the "no hint" value of every field.
    let mut h: libc::addrinfo = unsafe { zeroed() };
    h.ai_family = family;
    h.ai_socktype = socktype;
    h.ai_protocol = proto;
    h.ai_flags = flags;
    h
}

/// Text to an IPv4/IPv6 address with inet_pton(3), if it is one.
fn pton(family: i32, text: &str) -> Option<Vec<u8>> {
    let c = CString::new(text).ok()?;
    let mut buf = [0u8; 16];
    // SAFETY: `buf` has room for an in6_addr (16 bytes), more than an in_addr needs.
    let r = unsafe { inet_pton(family, c.as_ptr(), buf.as_mut_ptr().cast()) };
    let n = if family == libc::AF_INET { 4 } else { 16 };
    (r == 1).then(|| buf[..n].to_vec())
}

/// An IPv4/IPv6 address (4 or 16 bytes) as text, with inet_ntop(3).
fn ntop(family: i32, packed: &[u8]) -> String {
    let mut buf = [0 as libc::c_char; 64];
    // SAFETY: `packed` holds the address bytes (checked by callers), `buf` is 64 bytes, more
    // than INET6_ADDRSTRLEN.
    let p = unsafe {
        inet_ntop(
            family,
            packed.as_ptr().cast(),
            buf.as_mut_ptr(),
            buf.len() as libc::socklen_t,
        )
    };
    if p.is_null() {
        return String::new();
    }
    // SAFETY: inet_ntop wrote a NUL-terminated string into `buf`.
    unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_string_lossy()
        .into_owned()
}

/// The address bytes of `host` for `family` (AF_INET: 4, AF_INET6: 16), CPython's
/// `setipaddr`: `''` is the any address, `'<broadcast>'` the broadcast one, a numeric
/// address is taken as it is, anything else is resolved.
fn host_bytes(host: &str, family: i32) -> PyResult<Vec<u8>> {
    let n = if family == libc::AF_INET { 4 } else { 16 };
    if host.is_empty() {
        return Ok(vec![0; n]);
    }
    if host == "<broadcast>" || host == "255.255.255.255" {
        if family != libc::AF_INET {
            return Err(plain_os_error("address family mismatched"));
        }
        return Ok(vec![255; 4]);
    }
    if let Some(b) = pton(family, host) {
        return Ok(b);
    }
    let found = addrinfo(Some(host), None, &hints(family, libc::SOCK_DGRAM, 0, 0))?;
    for (fam, _, _, _, sa) in &found {
        if *fam == family {
            return Ok(ip_of(sa).1);
        }
    }
    Err(gai_error(libc::EAI_NONAME))
}

/// (family, address bytes, port) of an AF_INET/AF_INET6 address.
fn ip_of(sa: &SockAddr) -> (i32, Vec<u8>, u16) {
    if sa.st.ss_family as i32 == libc::AF_INET {
        // SAFETY: the family says the storage holds a sockaddr_in.
        let sin = unsafe { &*(sa.ptr() as *const libc::sockaddr_in) };
        (
            libc::AF_INET,
            sin.sin_addr.s_addr.to_ne_bytes().to_vec(),
            u16::from_be(sin.sin_port),
        )
    } else {
        // SAFETY: callers pass AF_INET6 storage otherwise, which holds a sockaddr_in6.
        let sin6 = unsafe { &*(sa.ptr() as *const libc::sockaddr_in6) };
        (
            libc::AF_INET6,
            sin6.sin6_addr.s6_addr.to_vec(),
            u16::from_be(sin6.sin6_port),
        )
    }
}

fn port_of(v: Value, func: &str) -> PyResult<u16> {
    let p = index_of(v)?;
    u16::try_from(p).map_err(|_| vm::overflow(&format!("{func}(): port must be 0-65535.")))
}

/// The items of a tuple, kept rooted.
fn tuple_items(v: Value) -> Option<crate::argvec::ArgVec> {
    as_tuple(v).map(|t| crate::argvec::ArgVec::from_slice(t.as_slice()))
}

/// The C address of a Python address object for a socket of `family`.
pub(crate) fn parse_addr(family: i32, v: Value, func: &str) -> PyResult<SockAddr> {
    let mut sa = SockAddr::empty();
    match family {
        libc::AF_INET => {
            let items = tuple_items(v).ok_or_else(|| {
                type_error(format!(
                    "{func}(): AF_INET address must be tuple, not {}",
                    vm::type_name(v)
                ))
            })?;
            if items.len() != 2 {
                return Err(type_error("AF_INET address must be a pair (host, port)"));
            }
            let host = text_arg(items[0])?;
            let port = port_of(items[1], func)?;
            let ip = host_bytes(&host, libc::AF_INET)?;
            // SAFETY: the storage is large enough and aligned for a sockaddr_in.
            let sin = unsafe { &mut *(sa.mut_ptr() as *mut libc::sockaddr_in) };
            sin.sin_family = libc::AF_INET as libc::sa_family_t;
            sin.sin_port = port.to_be();
            sin.sin_addr.s_addr = u32::from_ne_bytes([ip[0], ip[1], ip[2], ip[3]]);
            sa.len = size_of::<libc::sockaddr_in>() as libc::socklen_t;
        }
        libc::AF_INET6 => {
            let items = tuple_items(v).ok_or_else(|| {
                type_error(format!(
                    "{func}(): AF_INET6 address must be tuple, not {}",
                    vm::type_name(v)
                ))
            })?;
            if !(2..=4).contains(&items.len()) {
                return Err(type_error(
                    "AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])",
                ));
            }
            let host = text_arg(items[0])?;
            let port = port_of(items[1], func)?;
            let flow = match items.get(2) {
                Some(&f) => index_of(f)?,
                None => 0,
            };
            if !(0..=0xfffff).contains(&flow) {
                return Err(vm::overflow(&format!(
                    "{func}(): flowinfo must be 0-1048575."
                )));
            }
            let scope = match items.get(3) {
                Some(&s) => u32::try_from(index_of(s)?)
                    .map_err(|_| vm::overflow("scope_id out of range"))?,
                None => 0,
            };
            let ip = host_bytes(&host, libc::AF_INET6)?;
            // SAFETY: the storage is large enough and aligned for a sockaddr_in6.
            let sin6 = unsafe { &mut *(sa.mut_ptr() as *mut libc::sockaddr_in6) };
            sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
            sin6.sin6_port = port.to_be();
            sin6.sin6_flowinfo = (flow as u32).to_be();
            sin6.sin6_scope_id = scope;
            sin6.sin6_addr.s6_addr.copy_from_slice(&ip);
            sa.len = size_of::<libc::sockaddr_in6>() as libc::socklen_t;
        }
        libc::AF_UNIX => {
            let path: Vec<u8> = if let Some(s) = as_str(v) {
                s.s.as_bytes().to_vec()
            } else if let Some(b) = ops::bytes_like(v) {
                b
            } else if let Some(f) = ops::getattr_opt(v, vm::intern("__fspath__"))? {
                return parse_addr(family, ops::call(f, &[])?, func);
            } else {
                return Err(type_error(format!(
                    "a bytes-like object is required, not '{}'",
                    vm::type_name(v)
                )));
            };
            // SAFETY: the storage is large enough and aligned for a sockaddr_un.
            let sun = unsafe { &mut *(sa.mut_ptr() as *mut libc::sockaddr_un) };
            if path.len() >= sun.sun_path.len()
                && !(path.first() == Some(&0) && path.len() == sun.sun_path.len())
            {
                return Err(plain_os_error("AF_UNIX path too long"));
            }
            sun.sun_family = libc::AF_UNIX as libc::sa_family_t;
            for (d, &s) in sun.sun_path.iter_mut().zip(&path) {
                *d = s as libc::c_char;
            }
            let base = size_of::<libc::sa_family_t>();
            sa.len = (base + path.len()) as libc::socklen_t;
        }
        _ => return Err(plain_os_error(&format!("{func}(): bad family"))),
    }
    Ok(sa)
}

/// The Python address object of a C address (None for an empty one).
pub(crate) fn make_addr(sa: &SockAddr) -> Value {
    if sa.len == 0 {
        return Value::NONE;
    }
    match sa.st.ss_family as i32 {
        libc::AF_INET => {
            let (_, ip, port) = ip_of(sa);
            new_tuple(&[
                new_string(ntop(libc::AF_INET, &ip)),
                Value::small(port as i64),
            ])
        }
        libc::AF_INET6 => {
            // SAFETY: the family says the storage holds a sockaddr_in6.
            let sin6 = unsafe { &*(sa.ptr() as *const libc::sockaddr_in6) };
            let (_, ip, port) = ip_of(sa);
            new_tuple(&[
                new_string(ntop(libc::AF_INET6, &ip)),
                Value::small(port as i64),
                Value::small(u32::from_be(sin6.sin6_flowinfo) as i64),
                Value::small(sin6.sin6_scope_id as i64),
            ])
        }
        libc::AF_UNIX => {
            // SAFETY: the family says the storage holds a sockaddr_un.
            let sun = unsafe { &*(sa.ptr() as *const libc::sockaddr_un) };
            let base = size_of::<libc::sa_family_t>();
            let n = (sa.len as usize)
                .saturating_sub(base)
                .min(sun.sun_path.len());
            let bytes: Vec<u8> = sun.sun_path[..n].iter().map(|&c| c as u8).collect();
            if bytes.first() == Some(&0) {
                return new_bytes(bytes, false);
            }
            let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
            new_string(String::from_utf8_lossy(&bytes[..end]).into_owned())
        }
        fam => {
            let n = (sa.len as usize).min(size_of::<libc::sockaddr_storage>());
            // SAFETY: the storage is `n` <= its size initialised bytes.
            let raw = unsafe { std::slice::from_raw_parts(sa.ptr().cast::<u8>(), n) };
            new_tuple(&[
                Value::small(fam as i64),
                new_bytes(raw[2.min(n)..].to_vec(), false),
            ])
        }
    }
}

fn int_opt(a: &Args, i: usize, name: &str) -> PyResult<i32> {
    match opt_arg(a, i, name) {
        Some(v) if !v.is_none() => Ok(index_of(v)? as i32),
        _ => Ok(0),
    }
}

/// `getaddrinfo(host, port, family=0, type=0, proto=0, flags=0)`.
fn bi_getaddrinfo(a: Args) -> PyResult<Value> {
    let host = arg(&a, 0, "host", "getaddrinfo")?;
    let port = arg(&a, 1, "port", "getaddrinfo")?;
    let host = if host.is_none() {
        None
    } else {
        Some(text_arg(host)?)
    };
    let port = if port.is_none() {
        None
    } else if let Some(n) = ops::int_of(port) {
        Some(n.to_string())
    } else if as_str(port).is_some() || ops::bytes_like(port).is_some() {
        Some(text_arg(port)?)
    } else {
        return Err(plain_os_error("Int or String expected"));
    };
    let h = hints(
        int_opt(&a, 2, "family")?,
        int_opt(&a, 3, "type")?,
        int_opt(&a, 4, "proto")?,
        int_opt(&a, 5, "flags")?,
    );
    let found = addrinfo(host.as_deref(), port.as_deref(), &h)?;
    let out = new_list_cap(found.len());
    for (fam, ty, proto, canon, sa) in &found {
        out.push(new_tuple(&[
            Value::small(*fam as i64),
            Value::small(*ty as i64),
            Value::small(*proto as i64),
            new_string(canon.clone()),
            make_addr(sa),
        ]));
    }
    Ok(Value::obj(out))
}

/// `getnameinfo(sockaddr, flags)`: (host, port) as text.
fn bi_getnameinfo(a: Args) -> PyResult<Value> {
    let addr = arg(&a, 0, "sockaddr", "getnameinfo")?;
    let flags = index_of(arg(&a, 1, "flags", "getnameinfo")?)? as i32;
    let items =
        tuple_items(addr).ok_or_else(|| type_error("getnameinfo() argument 1 must be a tuple"))?;
    if !(2..=4).contains(&items.len()) {
        return Err(type_error("getnameinfo(): illegal sockaddr argument"));
    }
    let host = text_arg(items[0])?;
    let port = port_of(items[1], "getnameinfo")?;
    let found = addrinfo(
        Some(&host),
        Some(&port.to_string()),
        &hints(0, libc::SOCK_DGRAM, 0, libc::AI_NUMERICHOST),
    )?;
    let Some((fam, _, _, _, sa)) = found.into_iter().next() else {
        return Err(gai_error(libc::EAI_NONAME));
    };
    if fam == libc::AF_INET && items.len() != 2 {
        return Err(plain_os_error("IPv4 sockaddr must be 2 tuple"));
    }
    let (h, s) = name_info(&sa, flags, true).map_err(gai_error)?;
    Ok(new_tuple(&[new_string(h), new_string(s)]))
}

/// `getnameinfo(3)` of `sa`: the host's name and (`service`: else "") the port's, or the
/// `EAI_*` code of the failure.
fn name_info(sa: &SockAddr, flags: i32, service: bool) -> Result<(String, String), i32> {
    let mut hbuf = [0 as libc::c_char; 1025];
    let mut sbuf = [0 as libc::c_char; 32];
    let (sptr, slen) = if service {
        (sbuf.as_mut_ptr(), sbuf.len() as libc::socklen_t)
    } else {
        (std::ptr::null_mut(), 0)
    };
    // SAFETY: the address is valid for `sa.len` bytes; the buffers' sizes are passed (a null
    // service buffer of size 0 asks for no service name).
    let rc = unsafe {
        libc::getnameinfo(
            sa.ptr(),
            sa.len,
            hbuf.as_mut_ptr(),
            hbuf.len() as libc::socklen_t,
            sptr,
            slen,
            flags,
        )
    };
    if rc != 0 {
        return Err(rc);
    }
    let text = |b: &[libc::c_char]| {
        // SAFETY: getnameinfo wrote NUL-terminated strings into both buffers (the service
        // buffer is all zeros when not asked for).
        unsafe { CStr::from_ptr(b.as_ptr()) }
            .to_string_lossy()
            .into_owned()
    };
    Ok((text(&hbuf), text(&sbuf)))
}

fn bi_gethostname(_: Args) -> PyResult<Value> {
    let mut buf = [0 as libc::c_char; 256];
    // SAFETY: the buffer's size is passed; the last byte stays 0 so it is terminated.
    if unsafe { libc::gethostname(buf.as_mut_ptr(), buf.len() - 1) } != 0 {
        return Err(last_error());
    }
    // SAFETY: NUL-terminated (see above).
    Ok(new_string(
        unsafe { CStr::from_ptr(buf.as_ptr()) }
            .to_string_lossy()
            .into_owned(),
    ))
}

fn bi_gethostbyname(a: Args) -> PyResult<Value> {
    let host = text_arg(arg(&a, 0, "hostname", "gethostbyname")?)?;
    let ip = host_bytes(&host, libc::AF_INET)?;
    Ok(new_string(ntop(libc::AF_INET, &ip)))
}

fn bi_gethostbyname_ex(a: Args) -> PyResult<Value> {
    let host = text_arg(arg(&a, 0, "hostname", "gethostbyname_ex")?)?;
    let found = addrinfo(
        Some(&host),
        None,
        &hints(libc::AF_INET, libc::SOCK_STREAM, 0, libc::AI_CANONNAME),
    )?;
    let name = found
        .first()
        .map(|f| f.3.clone())
        .filter(|c| !c.is_empty())
        .unwrap_or(host);
    let addrs = new_list_cap(found.len());
    let mut seen = Vec::new();
    for (_, _, _, _, sa) in &found {
        let ip = ntop(libc::AF_INET, &ip_of(sa).1);
        if !seen.contains(&ip) {
            seen.push(ip.clone());
            addrs.push(new_string(ip));
        }
    }
    Ok(new_tuple(&[
        new_string(name),
        Value::obj(new_list_cap(0)),
        Value::obj(addrs),
    ]))
}

fn bi_gethostbyaddr(a: Args) -> PyResult<Value> {
    let host = text_arg(arg(&a, 0, "ip_address", "gethostbyaddr")?)?;
    let found = addrinfo(Some(&host), None, &hints(0, libc::SOCK_DGRAM, 0, 0))?;
    let Some((fam, _, _, _, sa)) = found.into_iter().next() else {
        return Err(gai_error(libc::EAI_NONAME));
    };
    let (name, _) = name_info(&sa, libc::NI_NAMEREQD, false)
        .map_err(|_| module_error("herror", &[Value::small(1), new_str("Unknown host")]))?;
    let ip = ntop(fam, &ip_of(&sa).1);
    Ok(new_tuple(&[
        new_string(name),
        Value::obj(new_list_cap(0)),
        new_list_from(&[new_string(ip)]),
    ]))
}

fn proto_opt(a: &Args, i: usize) -> PyResult<Option<CString>> {
    match opt_arg(a, i, "protocolname") {
        Some(v) if !v.is_none() => Ok(Some(cstring(&text_arg(v)?)?)),
        _ => Ok(None),
    }
}

fn bi_getservbyname(a: Args) -> PyResult<Value> {
    let name = cstring(&text_arg(arg(&a, 0, "servicename", "getservbyname")?)?)?;
    let proto = proto_opt(&a, 1)?;
    // SAFETY: NUL-terminated strings; the result points to static storage we only read.
    let s = unsafe {
        libc::getservbyname(
            name.as_ptr(),
            proto.as_ref().map_or(std::ptr::null(), |p| p.as_ptr()),
        )
    };
    if s.is_null() {
        return Err(plain_os_error("service/proto not found"));
    }
    // SAFETY: non-null servent from getservbyname.
    Ok(Value::small(
        u16::from_be(unsafe { (*s).s_port } as u16) as i64
    ))
}

fn bi_getservbyport(a: Args) -> PyResult<Value> {
    let port = index_of(arg(&a, 0, "port", "getservbyport")?)?;
    let port =
        u16::try_from(port).map_err(|_| vm::overflow("getservbyport: port must be 0-65535."))?;
    let proto = proto_opt(&a, 1)?;
    // SAFETY: as in getservbyname.
    let s = unsafe {
        libc::getservbyport(
            port.to_be() as libc::c_int,
            proto.as_ref().map_or(std::ptr::null(), |p| p.as_ptr()),
        )
    };
    if s.is_null() {
        return Err(plain_os_error("port/proto not found"));
    }
    // SAFETY: non-null servent whose name is a NUL-terminated string.
    let name = unsafe { CStr::from_ptr((*s).s_name) };
    Ok(new_string(name.to_string_lossy().into_owned()))
}

fn bi_getprotobyname(a: Args) -> PyResult<Value> {
    let name = cstring(&text_arg(arg(&a, 0, "protocolname", "getprotobyname")?)?)?;
    // SAFETY: NUL-terminated string; the result points to static storage we only read.
    let p = unsafe { libc::getprotobyname(name.as_ptr()) };
    if p.is_null() {
        return Err(plain_os_error("protocol not found"));
    }
    // SAFETY: non-null protoent.
    Ok(Value::small(unsafe { (*p).p_proto } as i64))
}

fn packed_arg(v: Value, func: &str) -> PyResult<Vec<u8>> {
    ops::bytes_like(v).ok_or_else(|| {
        type_error(format!(
            "{func}() argument 1 must be bytes-like object, not {}",
            vm::type_name(v)
        ))
    })
}

fn str_only(v: Value, func: &str, n: usize) -> PyResult<String> {
    as_str(v).map(|s| s.s.to_string()).ok_or_else(|| {
        type_error(format!(
            "{func}() argument {n} must be str, not {}",
            vm::type_name(v)
        ))
    })
}

fn bi_inet_aton(a: Args) -> PyResult<Value> {
    let s = str_only(arg(&a, 0, "string", "inet_aton")?, "inet_aton", 1)?;
    let c =
        cstring(&s).map_err(|_| plain_os_error("illegal IP address string passed to inet_aton"))?;
    // SAFETY: in_addr is plain old data.
    let mut addr: libc::in_addr = unsafe { zeroed() };
    // SAFETY: NUL-terminated input, `addr` is a valid out-parameter.
    if unsafe { inet_aton(c.as_ptr(), &mut addr) } == 0 {
        return Err(plain_os_error(
            "illegal IP address string passed to inet_aton",
        ));
    }
    Ok(new_bytes(addr.s_addr.to_ne_bytes().to_vec(), false))
}

extern "C" {
    // in glibc (POSIX) but not in the libc crate
    fn inet_aton(cp: *const libc::c_char, inp: *mut libc::in_addr) -> libc::c_int;
    fn inet_pton(af: libc::c_int, src: *const libc::c_char, dst: *mut libc::c_void) -> libc::c_int;
    fn inet_ntop(
        af: libc::c_int,
        src: *const libc::c_void,
        dst: *mut libc::c_char,
        size: libc::socklen_t,
    ) -> *const libc::c_char;
}

fn bi_inet_ntoa(a: Args) -> PyResult<Value> {
    let b = packed_arg(arg(&a, 0, "packed_ip", "inet_ntoa")?, "inet_ntoa")?;
    if b.len() != 4 {
        return Err(plain_os_error("packed IP wrong length for inet_ntoa"));
    }
    Ok(new_string(ntop(libc::AF_INET, &b)))
}

fn family_check(af: i64) -> PyResult<i32> {
    match af as i32 {
        libc::AF_INET => Ok(libc::AF_INET),
        libc::AF_INET6 => Ok(libc::AF_INET6),
        _ => Err(errno_error(libc::EAFNOSUPPORT)),
    }
}

fn bi_inet_pton(a: Args) -> PyResult<Value> {
    let af = family_check(index_of(arg(&a, 0, "address_family", "inet_pton")?)?)?;
    let s = str_only(arg(&a, 1, "ip_string", "inet_pton")?, "inet_pton", 2)?;
    pton(af, &s)
        .map(|b| new_bytes(b, false))
        .ok_or_else(|| plain_os_error("illegal IP address string passed to inet_pton"))
}

fn bi_inet_ntop(a: Args) -> PyResult<Value> {
    let af = index_of(arg(&a, 0, "address_family", "inet_ntop")?)?;
    let b = packed_arg(arg(&a, 1, "packed_ip", "inet_ntop")?, "inet_ntop")?;
    let want = match af as i32 {
        libc::AF_INET => 4,
        libc::AF_INET6 => 16,
        _ => return Err(value_error(format!("unknown address family {af}"))),
    };
    if b.len() != want {
        return Err(value_error("invalid length of packed IP address string"));
    }
    Ok(new_string(ntop(af as i32, &b)))
}

fn unsigned_arg(a: &Args, func: &str, bits: u32) -> PyResult<u64> {
    let v = arg(a, 0, "x", func)?;
    if ops::float_of(v).is_some() && ops::int_of(v).is_none() && as_bigint(v).is_none() {
        return Err(type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm::type_name(v)
        )));
    }
    let n = index_of(v).map_err(|_| {
        vm::overflow(&format!(
            "{func}: Python int too large to convert to C {bits}-bit unsigned integer"
        ))
    })?;
    if n < 0 {
        return Err(vm::overflow(&format!(
            "{func}: can't convert negative Python int to C {bits}-bit unsigned integer"
        )));
    }
    if bits == 32 && (n as u64) >> 32 != 0 {
        return Err(vm::overflow("int larger than 32 bits"));
    }
    if bits < 64 && (n as u64) >> bits != 0 {
        return Err(vm::overflow(&format!(
            "{func}: Python int too large to convert to C {bits}-bit unsigned integer"
        )));
    }
    Ok(n as u64)
}

fn bi_if_nametoindex(a: Args) -> PyResult<Value> {
    let v = arg(&a, 0, "oname", "if_nametoindex")?;
    let name = cstring(&text_arg(v)?)?;
    // SAFETY: NUL-terminated string.
    let i = unsafe { libc::if_nametoindex(name.as_ptr()) };
    if i == 0 {
        return Err(plain_os_error("no interface with this name"));
    }
    Ok(Value::small(i as i64))
}

fn bi_if_indextoname(a: Args) -> PyResult<Value> {
    let i = index_of(arg(&a, 0, "index", "if_indextoname")?)?;
    let i = u32::try_from(i).map_err(|_| vm::overflow("index out of range"))?;
    let mut buf = [0 as libc::c_char; libc::IF_NAMESIZE + 1];
    // SAFETY: the buffer has IF_NAMESIZE bytes and more.
    if unsafe { libc::if_indextoname(i, buf.as_mut_ptr()) }.is_null() {
        return Err(last_error());
    }
    // SAFETY: if_indextoname wrote a NUL-terminated name.
    Ok(new_string(
        unsafe { CStr::from_ptr(buf.as_ptr()) }
            .to_string_lossy()
            .into_owned(),
    ))
}

/// Adds the constants and the address functions to `m`.
pub(crate) fn add_to(m: Gc<ModuleObj>) {
    for &(n, v) in CONSTS {
        m.dict.set_str(n, Value::small(v));
    }
    def(m, "getaddrinfo", bi_getaddrinfo);
    def(m, "getnameinfo", bi_getnameinfo);
    def(m, "gethostname", bi_gethostname);
    def(m, "gethostbyname", bi_gethostbyname);
    def(m, "gethostbyname_ex", bi_gethostbyname_ex);
    def(m, "gethostbyaddr", bi_gethostbyaddr);
    def(m, "getservbyname", bi_getservbyname);
    def(m, "getservbyport", bi_getservbyport);
    def(m, "getprotobyname", bi_getprotobyname);
    def(m, "inet_aton", bi_inet_aton);
    def(m, "inet_ntoa", bi_inet_ntoa);
    def(m, "inet_pton", bi_inet_pton);
    def(m, "inet_ntop", bi_inet_ntop);
    def(m, "if_nametoindex", bi_if_nametoindex);
    def(m, "if_indextoname", bi_if_indextoname);
    def(m, "htons", |a| {
        Ok(Value::small(
            (unsigned_arg(&a, "htons", 16)? as u16).to_be() as i64,
        ))
    });
    def(m, "ntohs", |a| {
        Ok(Value::small(
            u16::from_be(unsigned_arg(&a, "ntohs", 16)? as u16) as i64,
        ))
    });
    def(m, "htonl", |a| {
        Ok(Value::small(
            (unsigned_arg(&a, "htonl", 32)? as u32).to_be() as i64,
        ))
    });
    def(m, "ntohl", |a| {
        Ok(Value::small(
            u32::from_be(unsigned_arg(&a, "ntohl", 32)? as u32) as i64,
        ))
    });
}
