import Foundation
import MLOpsStore
import Testing

/// The signer against the worked example in the S3 API reference ("Example: GET Object" under header-based
/// Signature Version 4): the same inputs must give the documented signature.
@Suite struct SignatureV4Tests {
    @Test func matchesTheDocumentedGetObjectExample() {
        let signer = SignatureV4(
            credentials: .init(
                accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            region: "us-east-1")
        let date = Date(timeIntervalSince1970: 1_369_353_600)  // 2013-05-24T00:00:00Z
        let headers = signer.sign(
            method: "GET", path: "/test.txt",
            headers: [("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9")],
            payloadHash: SignatureV4.emptyPayloadHash, date: date)
        let authorization = headers.first { $0.0 == "authorization" }?.1
        #expect(
            authorization
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(headers.contains { $0 == ("x-amz-date", "20130524T000000Z") })
    }

    @Test func encodesLikeRFC3986() {
        #expect(SignatureV4.encode("a b/c~d*é") == "a%20b%2Fc~d%2A%C3%A9")
        #expect(SignatureV4.encode("prefix/sha256/ab", keepSlash: true) == "prefix/sha256/ab")
    }
}
