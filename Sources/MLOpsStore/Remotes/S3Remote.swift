import AsyncHTTPClient
import Crypto
import Foundation
import MLOpsErrors
import NIOCore
import NIOHTTP1

/// A remote in S3-compatible object storage (AWS S3, MinIO, Ceph, moto): objects at
/// `s3://<bucket>/<prefix>/sha256/ab/cdef…`, requests signed with Signature Version 4.
///
/// Objects up to ``multipartThreshold`` go up in one `PUT` whose signed payload hash is the object id itself
/// (S3 rejects bytes that do not match it); larger ones in ``partSize`` parts. Listings page through
/// `ListObjectsV2`, 1,000 keys a request, so finding what is missing costs no request per object.
public final class S3Remote: RemoteStorage {
    public struct Settings: Sendable, Equatable {
        /// `s3://bucket` or `s3://bucket/prefix`.
        public var url: String
        /// For S3-compatible servers: `http://127.0.0.1:9000`. Nil means AWS (`https://s3.<region>.amazonaws.com`).
        public var endpoint: String?
        public var region: String
        /// Address buckets as `/<bucket>/<key>` instead of `<bucket>.<host>/<key>`; the default with an endpoint.
        public var pathStyle: Bool

        public init(url: String, endpoint: String? = nil, region: String = "us-east-1", pathStyle: Bool? = nil) {
            self.url = url
            self.endpoint = endpoint
            self.region = region
            self.pathStyle = pathStyle ?? (endpoint != nil)
        }
    }

    public static let multipartThreshold = 16 << 20
    public static let partSize = 16 << 20
    static let maximumAttempts = 6
    /// How long an answer may be silent. A server that accepts connections and never answers costs two of
    /// these (one retry), not one per attempt: it is down, not busy.
    static let readTimeoutSeconds = 15

    public let location: String
    private let bucket: String
    private let prefix: String
    private let scheme: String
    private let host: String
    private let pathStyle: Bool
    private let signer: SignatureV4
    private let client: HTTPClient

    /// Prepares a client for `settings`; `connections` bounds the connections per host (one per transfer job).
    public init(settings: Settings, credentials: SignatureV4.Credentials, connections: Int = 8) throws {
        guard settings.url.hasPrefix("s3://") else {
            throw MLOpsError(
                .invalidInput, "'\(settings.url)' is not an S3 URL", hint: "write s3://<bucket>[/<prefix>]")
        }
        let path = settings.url.dropFirst("s3://".count)
        let bucket = String(path.prefix { $0 != "/" })
        guard !bucket.isEmpty else {
            throw MLOpsError(.invalidInput, "'\(settings.url)' names no bucket", hint: "write s3://<bucket>[/<prefix>]")
        }
        self.bucket = bucket
        prefix = path.dropFirst(bucket.count).split(separator: "/").joined(separator: "/")
        location = settings.url
        pathStyle = settings.pathStyle
        let endpoint = settings.endpoint ?? "https://s3.\(settings.region).amazonaws.com"
        guard let components = URLComponents(string: endpoint), let scheme = components.scheme,
            let host = components.host
        else {
            throw MLOpsError(.invalidInput, "'\(endpoint)' is not an endpoint URL", hint: "write http(s)://host[:port]")
        }
        self.scheme = scheme
        let authority = host + (components.port.map { ":\($0)" } ?? "")
        self.host = pathStyle ? authority : "\(bucket).\(authority)"
        signer = SignatureV4(credentials: credentials, region: settings.region)
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(Int64(Self.readTimeoutSeconds)))
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(connections, 1))
        // Refused connections fail at once and go through the same backoff as 5xx answers (below), instead of
        // the client's own retrying until the connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func close() async {
        try? await client.shutdown()
    }

    /// The key of `relative` (`sha256/ab/cdef…`, `runcache/<key>`) below the remote's prefix.
    private func key(_ relative: String) -> String { prefix.isEmpty ? relative : prefix + "/" + relative }

    private func key(_ id: ObjectID) -> String { key(id.relativePath) }

    private func documentKey(_ name: String, in folder: String) -> String { key(folder + "/" + name) }

    // MARK: Operations

    public func listObjects() async throws -> Set<ObjectID> {
        var ids = Set<ObjectID>()
        for name in try await listKeys(under: ObjectID.algorithm) {
            let rest = name.replacingOccurrences(of: "/", with: "")
            if let id = try? ObjectID(parsing: ObjectID.algorithm + ":" + rest) { ids.insert(id) }
        }
        return ids
    }

    public func upload(_ id: ObjectID, from path: String, size: Int64) async throws {
        if size <= Int64(Self.multipartThreshold) {
            let bytes = try await BlockingWork.run { try Self.read(path, offset: 0, count: Int(size)) }
            _ = try await send("PUT", key: key(id), body: bytes, payloadHash: id.hex, expect: [200])
            return
        }
        let created = try await send("POST", key: key(id), query: [("uploads", "")], expect: [200]).text
        guard let uploadID = XMLFields.values(of: "UploadId", in: created).first else {
            throw MLOpsError(.failure, "the remote '\(location)' started no multipart upload for \(id)")
        }
        do {
            var parts: [String] = []
            var offset: Int64 = 0
            while offset < size {
                let count = Int(min(Int64(Self.partSize), size - offset))
                let start = offset
                let bytes = try await BlockingWork.run { try Self.read(path, offset: start, count: count) }
                let answer = try await send(
                    "PUT", key: key(id), query: [("partNumber", String(parts.count + 1)), ("uploadId", uploadID)],
                    body: bytes, expect: [200])
                guard let etag = answer.headers.first(name: "etag") else {
                    throw MLOpsError(
                        .failure, "the remote '\(location)' returned no ETag for part \(parts.count + 1) of \(id)")
                }
                parts.append(etag)
                offset += Int64(count)
            }
            let manifest =
                "<CompleteMultipartUpload>"
                + parts.enumerated().map {
                    "<Part><PartNumber>\($0.offset + 1)</PartNumber><ETag>\(XMLFields.escape($0.element))</ETag></Part>"
                }.joined()
                + "</CompleteMultipartUpload>"
            let completed = try await send(
                "POST", key: key(id), query: [("uploadId", uploadID)], body: Array(manifest.utf8), expect: [200])
            // S3 can answer 200 and still report an error in the body.
            if completed.text.contains("<Error>") { throw failure(status: 200, body: completed.text, key: key(id)) }
        } catch {
            _ = try? await send("DELETE", key: key(id), query: [("uploadId", uploadID)], expect: [204, 200])
            throw error
        }
    }

    public func removeAbandonedUploads(olderThan age: TimeInterval) async throws -> Int {
        let keyPrefix = key(ObjectID.algorithm + "/")
        let cutoff = Date().addingTimeInterval(-age)
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var abandoned: [(key: String, uploadID: String)] = []
        var markers: (key: String, uploadID: String)?
        repeat {
            var query = [("uploads", ""), ("prefix", keyPrefix)]
            if let markers { query += [("key-marker", markers.key), ("upload-id-marker", markers.uploadID)] }
            let body = try await send("GET", key: nil, query: query, expect: [200]).text
            for upload in body.components(separatedBy: "<Upload>").dropFirst() {
                guard let key = XMLFields.values(of: "Key", in: upload).first,
                    let uploadID = XMLFields.values(of: "UploadId", in: upload).first,
                    let initiated = XMLFields.values(of: "Initiated", in: upload).first
                else { continue }
                let started = parser.date(from: initiated) ?? ISO8601DateFormatter().date(from: initiated)
                if let started, started < cutoff { abandoned.append((key, uploadID)) }
            }
            let truncated = XMLFields.values(of: "IsTruncated", in: body).first == "true"
            let next = (
                XMLFields.values(of: "NextKeyMarker", in: body).first,
                XMLFields.values(of: "NextUploadIdMarker", in: body).first
            )
            markers = truncated ? next.0.flatMap { key in next.1.map { (key, $0) } } : nil
        } while markers != nil
        for upload in abandoned {
            _ = try await send(
                "DELETE", key: upload.key, query: [("uploadId", upload.uploadID)], expect: [204, 200, 404])
        }
        return abandoned.count
    }

    public func download(_ id: ObjectID, to path: String, duplicates: [HashingCopy.Duplicate]) async throws
        -> HashingCopy.Outcome
    {
        try await withRetries { () async throws -> HashingCopy.Outcome in
            let file = try OpenFile.replacing(path, mode: 0o444)
            let response = try await self.execute("GET", key: self.key(id), query: [], body: nil, payloadHash: nil)
            guard response.status == .ok else {
                let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
                if response.status == .notFound {
                    throw MLOpsError(
                        .notFound, "object \(id) is not on the remote '\(self.location)'",
                        hint: "push it from a clone that has it")
                }
                throw self.failure(status: Int(response.status.code), body: text, key: self.key(id))
            }
            var hasher = SHA256()
            var size: Int64 = 0
            for try await chunk in response.body {
                try chunk.withUnsafeReadableBytes { bytes in
                    hasher.update(bufferPointer: bytes)
                    try file.write(bytes)
                }
                size += Int64(chunk.readableBytes)
            }
            // The bytes just written are in the page cache: duplicates are copied from there by the kernel.
            let written = try OpenFile.reading(path)
            for duplicate in duplicates {
                try KernelCopy.copy(
                    from: written.descriptor, to: duplicate.descriptor, size: size, path: duplicate.path)
            }
            return HashingCopy.Outcome(id: ObjectID(digest: hasher.finalize()), size: size)
        }
    }

    public func listDocuments(in folder: String) async throws -> Set<String> {
        Set(try await listKeys(under: folder).filter { !$0.contains("/") })
    }

    public func uploadDocument(_ bytes: [UInt8], named name: String, in folder: String) async throws {
        _ = try await send("PUT", key: documentKey(name, in: folder), body: bytes, expect: [200])
    }

    public func createDocument(_ bytes: [UInt8], named name: String, in folder: String) async throws -> Bool {
        // 412: the key exists; 409: a concurrent conditional write to the same key is in progress (AWS), and it
        // or the other writer wins, not this one.
        let answer = try await send(
            "PUT", key: documentKey(name, in: folder), body: bytes, headers: [("if-none-match", "*")],
            expect: [200, 409, 412])
        return answer.status == 200
    }

    public func listDocuments(in folder: String, after name: String?) async throws -> Set<String> {
        Set(try await listKeys(under: folder, after: name).filter { !$0.contains("/") })
    }

    public func downloadDocument(named name: String, in folder: String) async throws -> [UInt8] {
        try await withRetries { () async throws -> [UInt8] in
            let key = self.documentKey(name, in: folder)
            let response = try await self.execute("GET", key: key, query: [], body: nil, payloadHash: nil)
            let body = try await response.body.collect(upTo: maximumDocumentSize)
            guard response.status == .ok else {
                if response.status == .notFound {
                    throw MLOpsError(.notFound, "'\(folder)/\(name)' is not on the remote '\(self.location)'")
                }
                throw self.failure(status: Int(response.status.code), body: String(buffer: body), key: key)
            }
            return Array(buffer: body)
        }
    }

    /// The keys under `folder` (below the remote's prefix), relative to it, paging through `ListObjectsV2`.
    private func listKeys(under folder: String, after name: String? = nil) async throws -> [String] {
        let keyPrefix = key(folder + "/")
        var names: [String] = []
        var token: String?
        repeat {
            var query = [("list-type", "2"), ("prefix", keyPrefix)]
            if let name { query.append(("start-after", keyPrefix + name)) }
            if let token { query.append(("continuation-token", token)) }
            let body = try await send("GET", key: nil, query: query, expect: [200]).text
            for key in XMLFields.values(of: "Key", in: body) where key.count > keyPrefix.count {
                names.append(String(key.dropFirst(keyPrefix.count)))
            }
            token =
                XMLFields.values(of: "IsTruncated", in: body).first == "true"
                ? XMLFields.values(of: "NextContinuationToken", in: body).first : nil
        } while token != nil
        return names
    }

    // MARK: Requests

    private struct Answer {
        var status: UInt
        var headers: HTTPHeaders
        var text: String
    }

    private func url(key: String?, query: [(String, String)]) -> (path: String, url: String) {
        var path = pathStyle ? "/" + bucket : ""
        if let key { path += "/" + SignatureV4.encode(key, keepSlash: true) }
        if path.isEmpty { path = "/" }
        let queryText = query.map { SignatureV4.encode($0.0) + "=" + SignatureV4.encode($0.1) }.joined(separator: "&")
        return (path, "\(scheme)://\(host)\(path)" + (queryText.isEmpty ? "" : "?" + queryText))
    }

    private func execute(
        _ method: String, key: String?, query: [(String, String)], body: [UInt8]?, payloadHash: String?,
        headers extra: [(String, String)] = []
    ) async throws -> HTTPClientResponse {
        let (path, url) = url(key: key, query: query)
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        let hash = payloadHash ?? body.map { SignatureV4.hex(SHA256.hash(data: $0)) } ?? SignatureV4.emptyPayloadHash
        var headers = [("host", host)]
        if let body { headers.append(("content-length", String(body.count))) }
        headers += extra
        for (name, value) in signer.sign(
            method: method, path: path, query: query, headers: headers, payloadHash: hash, date: Date())
        {
            request.headers.add(name: name, value: value)
        }
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "content-length", value: String(body.count))
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        return try await client.execute(request, timeout: .seconds(120))
    }

    /// Sends a request with retries and returns its headers and body text; statuses outside `expect` throw.
    private func send(
        _ method: String, key: String?, query: [(String, String)] = [], body: [UInt8]? = nil,
        payloadHash: String? = nil, headers: [(String, String)] = [],
        expect: Set<UInt>
    ) async throws -> Answer {
        try await withRetries {
            let response = try await self.execute(
                method, key: key, query: query, body: body, payloadHash: payloadHash, headers: headers)
            let text = String(buffer: try await response.body.collect(upTo: 16 << 20))
            guard expect.contains(response.status.code) else {
                throw self.failure(status: Int(response.status.code), body: text, key: key)
            }
            return Answer(status: response.status.code, headers: response.headers, text: text)
        }
    }

    /// Retries transient failures (5xx, 429, timeouts, refused or reset connections) with exponential backoff
    /// and jitter: 0.2 s, 0.4 s, 0.8 s … up to ``maximumAttempts`` attempts (about 6 s in all).
    private func withRetries<Result>(_ operation: () async throws -> Result) async throws -> Result {
        var attempt = 1
        var silentAnswers = 0
        while true {
            do {
                return try await operation()
            } catch let error as MLOpsError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                // A 5xx or 429 answer (TransientFailure), or a refused, reset or timed-out connection.
                let silent = Self.isSilence(error)
                if silent { silentAnswers += 1 }
                guard attempt < Self.maximumAttempts, silentAnswers < 2 else {
                    let reason = (error as? TransientFailure)?.reason ?? Self.describe(error)
                    throw MLOpsError(
                        .failure, "the remote '\(location)' kept failing after \(attempt) attempts: \(reason)",
                        hint: silent
                            ? "check that the endpoint is an S3 server and reachable; re-run the command when it answers"
                            : "re-run the command when it is back: objects already transferred are skipped")
                }
            }
            let delay = 0.2 * pow(2, Double(attempt - 1)) * Double.random(in: 0.75...1.25)
            attempt += 1
            try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
        }
    }

    /// Whether `error` is a server that let a request time out without an answer.
    private static func isSilence(_ error: any Error) -> Bool {
        guard let error = error as? HTTPClientError else { return false }
        return error == .readTimeout || error == .deadlineExceeded || error == .connectTimeout
    }

    /// A connection failure in words.
    private static func describe(_ error: any Error) -> String {
        switch error as? HTTPClientError {
        case .readTimeout?, .deadlineExceeded?: return "no answer within \(readTimeoutSeconds) s"
        case .connectTimeout?: return "could not connect within 10 s"
        case .remoteConnectionClosed?: return "the server closed the connection"
        default:
            if let error = error as? IOError { return error.description }
            return ErrorDescription.describe(error)
        }
    }

    private struct TransientFailure: Error {
        var reason: String
    }

    /// The error for an unexpected status: transient ones are retried, access problems exit 11.
    private func failure(status: Int, body: String, key: String?) -> any Error {
        let code = XMLFields.values(of: "Code", in: body).first ?? "HTTP \(status)"
        let message = XMLFields.values(of: "Message", in: body).first.map { ": \($0)" } ?? ""
        if status >= 500 || status == 429 || code == "SlowDown" {
            return TransientFailure(reason: "\(code)\(message)")
        }
        if status == 403 || ["InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied"].contains(code) {
            return MLOpsError(
                .remoteDenied, "the remote '\(location)' refused the credentials (\(code)\(message))",
                hint: "set remotes.<name>.access_key_id and secret_access_key in .mlops/config.local.yaml, "
                    + "or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        }
        if code == "NoSuchBucket" {
            return MLOpsError(
                .notFound, "the bucket '\(bucket)' does not exist on the remote '\(location)'", hint: "create it first")
        }
        return MLOpsError(.failure, "the remote '\(location)' answered \(code)\(message) for \(key ?? "/")")
    }

    private static func read(_ path: String, offset: Int64, count: Int) throws -> [UInt8] {
        let file = try OpenFile.reading(path)
        var bytes = [UInt8](repeating: 0, count: count)
        let read = try bytes.withUnsafeMutableBytes { try file.readFully(into: $0, at: offset) }
        guard read == count else { throw MLOpsError(.failure, "'\(path)' is shorter than expected") }
        return bytes
    }
}

/// Reads the few fields mlops needs from S3's XML answers (`<Key>`, `<Code>`, `<UploadId>`…): values of simple
/// elements, entity-decoded.
enum XMLFields {
    static func values(of element: String, in text: String) -> [String] {
        var values: [String] = []
        var rest = text[...]
        let open = "<\(element)>"
        let close = "</\(element)>"
        while let start = rest.range(of: open), let end = rest.range(of: close, range: start.upperBound..<rest.endIndex)
        {
            values.append(unescape(String(rest[start.upperBound..<end.lowerBound])))
            rest = rest[end.upperBound...]
        }
        return values
    }

    static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&#34;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
