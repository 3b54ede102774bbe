//! WAN emulation for the benchmarks: the three nodes of a consortium run as separate OS
//! processes, each in its own Linux network namespace, and every packet a node sends waits
//! RTT/2 in a `tc netem` qdisc, so the nodes see a wide-area round-trip time between them (e.g.
//! 25 ms, as between Munich and Rome). The benchmark client stays in the root namespace.
//!
//! Layout (`P` = this process's id, `c` = a letter per [`Wan`] of this process, `S` = a /24 of
//! 10.213.0.0/16 not in use on this machine):
//!
//! ```text
//!   root namespace: benchmark client; bridge sswPcbr 10.213.S.254/24, netfilter off on it
//!        |                      |                      |
//!     sswPch0                sswPch1                sswPch2        veths: root-side ends
//!  - - - | - - - - - - - - - - -|- - - - - - - - - - - | - - - - - - - - - - - - - - -
//!     sswPcn0                sswPcn1                sswPcn2        namespace-side ends,
//!     10.213.S.1             10.213.S.2             10.213.S.3     netem delay RTT/2 on egress
//!   ns sswPcn0: node 0     ns sswPcn1: node 1     ns sswPcn2: node 2     (lo up in each)
//! ```
//!
//! Each node listens on 0.0.0.0 in its namespace (API port 7441, peer links 7451) and has a
//! certificate for its IP address. All addresses are on one link (no routing, no forwarding,
//! so reverse-path filtering passes). Only the egress of the namespace-side veths is delayed,
//! so node-to-node round trips take RTT (RTT/2 each way) and client-to-node round trips take
//! RTT/2 (requests are not delayed, answers are), for every node. `rtt_ms = 0` adds no qdisc
//! at all (namespaces only), which works on kernels without `sch_netem`.
//!
//! Everything is torn down when the [`Wan`] is dropped, also when [`Wan::start`] fails half-way;
//! namespaces and interfaces left by a process that died without dropping its `Wan` are
//! removed by the next [`Wan::start`] or [`check`]. Needs root, `ip` and `tc` (iproute2).
#![allow(dead_code)] // `wan-check` and `pilot-bench` each use a part

use serde_json::Value;
use sharestat_node::config::NodeConfig;
use sharestat_node::consortium::{InitOptions, init};
use sharestat_wire::Client;
use std::ffi::OsString;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

/// Interface and namespace names start with this, then the creating process's id.
const PREFIX: &str = "ssw";
/// The API and peer-link ports of every node (each in its own namespace).
const API_PORT: u16 = 7441;
const PEER_PORT: u16 = 7451;
/// netem queue length in packets (the default, 1000, drops bulk transfers at high delay).
const NETEM_LIMIT: &str = "100000";

/// `ip`, `tc`, `ping`, ... on the PATH or in the sbin directories (not always on a PATH).
fn tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/bin", "/bin"].map(PathBuf::from))
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Runs `prog args`; its standard output, or an error quoting the command and its stderr.
fn run(prog: &str, args: &[&str]) -> Result<String, String> {
    let exe = tool(prog).ok_or_else(|| format!("`{prog}` not found"))?;
    let out = Command::new(exe)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run `{prog}`: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "`{prog} {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// `ip ARGS` (`args` split at spaces: names and addresses here contain none).
fn ip(args: &str) -> Result<String, String> {
    run("ip", &args.split_whitespace().collect::<Vec<_>>())
}

/// A fresh name stem `ssw<pid><letter>` (at most 3 + 7 + 1 characters; suffixes add at most
/// 2, within Linux's 15-character interface names).
fn stem() -> String {
    static NEXT: AtomicU8 = AtomicU8::new(0);
    let c = (b'a' + NEXT.fetch_add(1, Ordering::Relaxed) % 26) as char;
    format!("{PREFIX}{}{c}", std::process::id())
}

/// The process that created `name` (one of ours), if the name has our shape.
fn owner(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(PREFIX)?;
    let digits = rest.find(|c: char| !c.is_ascii_digit())?;
    let (pid, tail) = rest.split_at(digits);
    tail.starts_with(|c: char| c.is_ascii_lowercase())
        .then(|| pid.parse().ok())
        .flatten()
}

/// Names of the network namespaces and of the interfaces of the root namespace.
fn existing() -> (Vec<String>, Vec<String>) {
    let ns = ip("netns list").unwrap_or_default();
    let links = ip("-o link show").unwrap_or_default();
    let ns = ns.lines().filter_map(|l| l.split_whitespace().next());
    // "5: ssw123ah0@if4: <...>": the name is the second field, before any '@'.
    let links = links.lines().filter_map(|l| l.split_whitespace().nth(1));
    (
        ns.map(String::from).collect(),
        links
            .map(|n| {
                n.trim_end_matches(':')
                    .split('@')
                    .next()
                    .unwrap_or(n)
                    .into()
            })
            .collect(),
    )
}

/// Namespaces and interfaces made by this process that still exist (none once every [`Wan`]
/// is dropped).
pub fn leftovers() -> Vec<String> {
    let (ns, links) = existing();
    let me = Some(std::process::id());
    ns.into_iter()
        .chain(links)
        .filter(|n| owner(n) == me)
        .collect()
}

/// Removes namespaces and interfaces of ours whose creating process is gone (it was killed
/// before it could drop its [`Wan`]), with any node process still running inside them.
fn cleanup_stale() {
    let dead = |n: &String| {
        owner(n)
            .is_some_and(|p| p != std::process::id() && !Path::new(&format!("/proc/{p}")).exists())
    };
    let (ns, links) = existing();
    for n in ns.iter().filter(|n| dead(n)) {
        for pid in ip(&format!("netns pids {n}"))
            .unwrap_or_default()
            .split_whitespace()
        {
            let _ = run("kill", &["-KILL", pid]);
        }
        let _ = ip(&format!("netns del {n}"));
    }
    for l in links.iter().filter(|n| dead(n)) {
        let _ = ip(&format!("link del {l}"));
    }
}

/// Ok when this machine can run the emulation; else a sentence saying why not (not root, `ip`
/// or `tc` missing, namespaces, bridges, veths or netem not available or not permitted). Tries
/// it all on a throw-away namespace.
pub fn check() -> Result<(), String> {
    probe(true)
}

/// Like [`check`] without netem: enough for [`Wan::start`] with `rtt_ms = 0`.
pub fn check_namespaces() -> Result<(), String> {
    probe(false)
}

fn probe(netem: bool) -> Result<(), String> {
    let uid = run("id", &["-u"]).map_err(|e| format!("cannot tell the user id: {e}"))?;
    if uid.trim() != "0" {
        return Err(format!(
            "not running as root (uid {}); network namespaces, veths and tc need root",
            uid.trim()
        ));
    }
    for t in ["ip", "tc"] {
        if tool(t).is_none() {
            return Err(format!("`{t}` not found (install iproute2)"));
        }
    }
    cleanup_stale();
    let mut net = Net::new(stem());
    let (ns, br) = (net.name("t"), net.name("tbr"));
    let (outer, inner) = (net.name("ta"), net.name("tb"));
    fn why(what: &str) -> impl Fn(String) -> String + '_ {
        move |e| format!("cannot {what}: {e}")
    }
    net.add_ns(&ns).map_err(why("create a network namespace"))?;
    net.add_bridge(&br).map_err(why("create a bridge"))?;
    net.add_veth(&outer, &inner, &ns, &br)
        .map_err(why("create a veth pair into a namespace"))?;
    if netem {
        net.netem(&ns, &inner, 1.0).map_err(|e| {
            if e.contains("unknown") {
                format!("the kernel has no netem qdisc (module sch_netem missing): {e}")
            } else {
                format!("cannot add a netem qdisc: {e}")
            }
        })?;
    }
    Ok(())
}

/// The namespaces, interfaces and processes of one emulation; dropping it removes them all.
struct Net {
    stem: String,
    namespaces: Vec<String>,
    links: Vec<String>,
    children: Vec<Child>,
}

impl Net {
    fn new(stem: String) -> Net {
        Net {
            stem,
            namespaces: Vec::new(),
            links: Vec::new(),
            children: Vec::new(),
        }
    }

    fn name(&self, suffix: &str) -> String {
        format!("{}{suffix}", self.stem)
    }

    fn add_ns(&mut self, ns: &str) -> Result<(), String> {
        ip(&format!("netns add {ns}"))?;
        self.namespaces.push(ns.into());
        ip(&format!("-n {ns} link set lo up")).map(drop)
    }

    /// A bridge, up, with netfilter off for its traffic (a host firewall dropping forwarded
    /// packets must not see node-to-node traffic).
    fn add_bridge(&mut self, br: &str) -> Result<(), String> {
        let add = format!("link add name {br} type bridge");
        let nf = " nf_call_iptables 0 nf_call_ip6tables 0 nf_call_arptables 0";
        ip(&(add.clone() + nf)).or_else(|_| ip(&add))?;
        self.links.push(br.into());
        ip(&format!("link set {br} up")).map(drop)
    }

    /// A veth pair: `outer` on bridge `br`, `inner` in namespace `ns`; both up.
    fn add_veth(&mut self, outer: &str, inner: &str, ns: &str, br: &str) -> Result<(), String> {
        ip(&format!(
            "link add {outer} type veth peer name {inner} netns {ns}"
        ))?;
        self.links.push(outer.into());
        ip(&format!("link set {outer} master {br} up"))?;
        ip(&format!("-n {ns} link set {inner} up")).map(drop)
    }

    /// Delays every packet leaving `dev` (in namespace `ns`) by `ms`.
    fn netem(&self, ns: &str, dev: &str, ms: f64) -> Result<(), String> {
        let q = format!("netns exec {ns} tc qdisc add dev {dev} root netem delay {ms}ms");
        ip(&format!("{q} limit {NETEM_LIMIT}")).map(drop)
    }
}

impl Drop for Net {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = run("kill", &["-TERM", &c.id().to_string()]);
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        for c in &mut self.children {
            while matches!(c.try_wait(), Ok(None)) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = c.kill();
            let _ = c.wait();
        }
        // Deleting a namespace deletes the veth ends in it and so their peers.
        for ns in self.namespaces.iter().rev() {
            let _ = ip(&format!("netns del {ns}"));
        }
        // The host ends of the veths are gone with them; what is left is the bridge.
        for l in self.links.iter().rev() {
            let _ = ip(&format!("link del {l}"));
        }
    }
}

/// A consortium whose nodes run in three network namespaces with an emulated RTT between them.
/// Dropping it stops the nodes (SIGTERM, SIGKILL after 5 s) and deletes the namespaces,
/// veths and bridge.
pub struct Wan {
    /// Admin clients, party order (in the root namespace, reaching the nodes over the bridge).
    pub admins: Vec<Client>,
    /// The CA certificate (PEM).
    #[allow(dead_code)] // for callers that build their own clients
    pub ca: String,
    /// The emulated node-to-node round-trip time, ms (client-to-node: half of it).
    pub rtt_ms: f64,
    /// The nodes' addresses, party order.
    pub hosts: [Ipv4Addr; 3],
    /// The consortium directory (`nodeI/node.log` holds node I's output).
    pub dir: PathBuf,
    namespaces: [String; 3],
    net: Net,
}

/// A /24 of 10.213.0.0/16 that no address or route of the root namespace uses.
fn free_subnet() -> Result<u8, String> {
    let used = ip("-4 -o addr show")? + &ip("-4 route show")?;
    let start = std::process::id() as usize;
    (0..250)
        .map(|k| ((start + k) % 250 + 1) as u8)
        .find(|s| !used.contains(&format!("10.213.{s}.")))
        .ok_or_else(|| "no free /24 in 10.213.0.0/16".into())
}

/// The last lines of `path`, for error messages.
fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(8)..].join("\n")
}

fn median(mut v: Vec<f64>) -> Result<f64, String> {
    if v.is_empty() {
        return Err("no samples".into());
    }
    v.sort_by(f64::total_cmp);
    Ok(v[v.len() / 2])
}

impl Wan {
    /// Creates a consortium in `dir` (which must not hold one) for hosts 10.213.S.1..3, builds
    /// the namespaces, bridge, veths, addresses and netem qdiscs (none if `rtt_ms` is 0), starts
    /// the nodes as `ip netns exec NS <node_command(config)...>` (output to `nodeI/node.log`)
    /// and returns once every node reports both peers linked in both directions. Everything it
    /// created is removed again if it fails.
    pub async fn start(
        dir: &Path,
        rtt_ms: f64,
        node_command: &dyn Fn(&Path) -> Vec<OsString>,
    ) -> Result<Wan, String> {
        if !(rtt_ms >= 0.0 && rtt_ms.is_finite()) {
            return Err(format!("bad round-trip time {rtt_ms} ms"));
        }
        cleanup_stale();
        let s = free_subnet()?;
        let hosts = [1, 2, 3].map(|k| Ipv4Addr::new(10, 213, s, k));
        let opts = InitOptions {
            hosts: Some(hosts.map(|h| h.to_string())),
            api_port: API_PORT,
            peer_port: PEER_PORT,
        };
        let tokens = init(dir, &opts).map_err(|e| e.to_string())?;
        let mut net = Net::new(stem());
        let br = net.name("br");
        net.add_bridge(&br)?;
        ip(&format!("addr add 10.213.{s}.254/24 dev {br}"))?;
        let namespaces = [0, 1, 2].map(|i| net.name(&format!("n{i}")));
        for (i, ns) in namespaces.iter().enumerate() {
            let (outer, inner) = (net.name(&format!("h{i}")), ns.clone());
            net.add_ns(ns)?;
            net.add_veth(&outer, &inner, ns, &br)?;
            ip(&format!("-n {ns} addr add {}/24 dev {inner}", hosts[i]))?;
            if rtt_ms > 0.0 {
                net.netem(ns, &inner, rtt_ms / 2.0)?;
            }
        }
        let ip_exe = tool("ip").ok_or("`ip` not found")?;
        for (i, ns) in namespaces.iter().enumerate() {
            let config = dir.join(format!("node{i}/node.toml"));
            let mut cfg = NodeConfig::load(&config).map_err(|e| e.to_string())?;
            cfg.node.job_timeout_secs = 60;
            std::fs::write(&config, cfg.to_toml()).map_err(|e| e.to_string())?;
            let log_path = dir.join(format!("node{i}/node.log"));
            let log = std::fs::File::create(&log_path)
                .map_err(|e| format!("{}: {e}", log_path.display()))?;
            let out = log.try_clone().map_err(|e| e.to_string())?;
            let child = Command::new(&ip_exe)
                .args(["netns", "exec", ns.as_str()])
                .args(node_command(&config))
                .stdin(Stdio::null())
                .stdout(out)
                .stderr(log)
                .spawn()
                .map_err(|e| format!("cannot start node {i}: {e}"))?;
            net.children.push(child);
        }
        let ca = std::fs::read_to_string(dir.join("ca/ca.pem")).map_err(|e| e.to_string())?;
        let admins = (0..3)
            .map(|i| {
                let url = format!("https://{}:{API_PORT}", hosts[i]);
                Client::new(&url, &ca, Some(tokens[i].clone())).map_err(|e| e.to_string())
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut wan = Wan {
            admins,
            ca,
            rtt_ms,
            hosts,
            dir: dir.into(),
            namespaces,
            net,
        };
        wan.wait_linked(Duration::from_secs(60)).await?;
        Ok(wan)
    }

    /// Waits until every node answers its health check with both peers linked both ways.
    async fn wait_linked(&mut self, limit: Duration) -> Result<(), String> {
        let deadline = Instant::now() + limit;
        for i in 0..3 {
            loop {
                let health = self.admins[i].get::<Value>("/api/v1/health");
                if let Ok(Ok(h)) = tokio::time::timeout(Duration::from_secs(2), health).await {
                    let peers = h["peers"].as_array().cloned().unwrap_or_default();
                    let up = |p: &Value| p["outgoing_up"] == true && p["incoming_up"] == true;
                    if peers.len() == 2 && peers.iter().all(up) {
                        break;
                    }
                }
                for (k, c) in self.net.children.iter_mut().enumerate() {
                    if let Ok(Some(status)) = c.try_wait() {
                        let log = self.dir.join(format!("node{k}/node.log"));
                        return Err(format!("node {k} exited ({status}):\n{}", tail(&log)));
                    }
                }
                if Instant::now() > deadline {
                    let log = self.dir.join(format!("node{i}/node.log"));
                    return Err(format!(
                        "node {i} did not come up linked within {limit:?}:\n{}",
                        tail(&log)
                    ));
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        Ok(())
    }

    /// A client of node `i` with `token`.
    pub fn client(&self, i: usize, token: &str) -> Client {
        self.admins[i].with_token(Some(token.to_string()))
    }

    /// Creates a study on all three nodes.
    pub async fn create_study(
        &self,
        id: &str,
        dictionary: &str,
        policy: &str,
    ) -> Result<(), String> {
        sharestat_node::local::create_study_on(&self.admins, id, dictionary, policy)
            .await
            .map_err(|e| e.to_string())
    }

    /// Creates a user with one grant on all three nodes (one token) and returns the token.
    pub async fn add_user(
        &self,
        name: &str,
        role: &str,
        study: Option<&str>,
        site: Option<&str>,
    ) -> Result<String, String> {
        sharestat_node::local::add_user_on(&self.admins, name, role, study, site)
            .await
            .map_err(|e| e.to_string())
    }

    /// Measured round-trip time node 0 -> node 1, ms: the median of `ping` from node 0's
    /// namespace or, without `ping`, of TCP connects (SYN to SYN-ACK) to node 1's API port
    /// timed by bash in node 0's namespace.
    pub fn measured_rtt_ms(&self) -> Result<f64, String> {
        let (ns, to) = (self.namespaces[0].as_str(), self.hosts[1].to_string());
        if tool("ping").is_some() {
            let out = ip(&format!("netns exec {ns} ping -n -c 7 -i 0.2 {to}"))?;
            let times = out
                .split_whitespace()
                .filter_map(|w| w.strip_prefix("time="))
                .filter_map(|t| t.parse().ok())
                .collect();
            return median(times);
        }
        let script = format!(
            "for i in 1 2 3 4 5 6 7; do s=$EPOCHREALTIME; exec 3<>/dev/tcp/{to}/{API_PORT} \
             || exit 1; e=$EPOCHREALTIME; exec 3>&-; echo $s $e; done"
        );
        let out = run("ip", &["netns", "exec", ns, "bash", "-c", &script])?;
        let secs = |w: &str| w.replace(',', ".").parse::<f64>().ok();
        let times = out
            .lines()
            .filter_map(|l| {
                let mut w = l.split_whitespace().map(secs);
                Some((w.next()??, w.next()??))
            })
            .map(|(s, e)| (e - s) * 1e3)
            .collect::<Vec<_>>();
        median(times).map_err(|_| format!("cannot time TCP connects (need ping or bash 5): {out}"))
    }
}
