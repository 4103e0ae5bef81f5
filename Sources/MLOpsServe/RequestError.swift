import Hummingbird

/// Why a request cannot be answered: the HTTP status and a message that names the problem (and the fix, where
/// there is one). Bad requests are answered with it; they never disturb other requests or the server.
struct RequestError: Error, Sendable {
    let status: HTTPResponse.Status
    let message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    static func badRequest(_ message: String) -> RequestError { RequestError(.badRequest, message) }
}
