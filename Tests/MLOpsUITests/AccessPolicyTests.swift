import Testing

@testable import MLOpsUI

/// The pieces of the dashboard's access rules that need no running server (the rules themselves are exercised
/// over HTTP by `DashboardTests`): which host names count as the dashboard's own, and reading `Host` headers.
@Suite struct AccessPolicyTests {
    @Test func loopbackDashboardsAnswerEveryLoopbackName() {
        let policy = AccessPolicy(host: "127.0.0.1", token: nil)
        #expect(policy.allowedHosts == ["127.0.0.1", "localhost", "[::1]"])
        let exposed = AccessPolicy(host: "10.1.2.3", token: "t0ken-long")
        #expect(exposed.allowedHosts == ["10.1.2.3"])
        let v6 = AccessPolicy(host: "fd00::5", token: nil)
        #expect(v6.allowedHosts.contains("[fd00::5]"))
    }

    @Test func hostHeadersLoseTheirPortAndCase() {
        #expect(AccessPolicy.hostName("127.0.0.1:8765") == "127.0.0.1")
        #expect(AccessPolicy.hostName("LocalHost:1") == "localhost")
        #expect(AccessPolicy.hostName("[::1]:8765") == "[::1]")
        #expect(AccessPolicy.hostName("evil.example.:80") == "evil.example.")
        #expect(AccessPolicy.hostName("[::1") == "[::1")
        #expect(AccessPolicy.hostName("") == "")
    }

    @Test func tokensCompareWholly() {
        let policy = AccessPolicy(host: "127.0.0.1", token: "abcdefgh")
        #expect(policy.isToken("abcdefgh"))
        #expect(!policy.isToken("abcdefg") && !policy.isToken("abcdefgh ") && !policy.isToken(""))
        #expect(!AccessPolicy(host: "127.0.0.1", token: nil).isToken(""))
    }
}
