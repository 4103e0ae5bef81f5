import HTTPTypes
import NIOCore
import NIOHTTPTypes
import Synchronization

/// How long a connection may take over each part of a request, and how many may be open at once.
public struct ConnectionLimits: Sendable {
    /// From connecting (or the previous response) to a complete request head.
    public var headerTimeout: Duration = .seconds(10)
    /// From the head to the end of the body, in total (a client trickling bytes is cut off, too).
    public var bodyTimeout: Duration = .seconds(60)
    /// From a response to the first byte of the next request on a kept-alive connection.
    public var idleTimeout: Duration = .seconds(30)
    /// Open connections at once; more are answered 503 and closed.
    public var maximumConnections: Int = 1_024

    public init() {}
}

/// Counts open connections across every event loop.
final class ConnectionGate: Sendable {
    let limit: Int
    private let open = Atomic<Int>(0)

    init(limit: Int) { self.limit = limit }

    /// Takes a place; false when all are taken.
    func enter() -> Bool {
        if open.wrappingAdd(1, ordering: .relaxed).newValue <= limit { return true }
        open.wrappingSubtract(1, ordering: .relaxed)
        return false
    }

    func leave() { open.wrappingSubtract(1, ordering: .relaxed) }
}

/// The error a request body read fails with when the body timeout passes, so a handler never mistakes a
/// truncated body for a whole one.
struct RequestBodyTimeout: Error {}

/// One per connection, between the HTTP codec and Hummingbird: answers 503 above the connection limit, 408 when
/// a head or body is too slow, and closes connections that stay idle. A request being answered is never cut off:
/// no timer runs between the end of a request and its response.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private enum Wait { case head, body, idle }

    private let limits: ConnectionLimits
    private let gate: ConnectionGate
    private var started = false
    private var holdsPlace = false
    private var finished = false
    private var reading = false
    private var responseStarted = false
    private var sawPart = false
    /// Requests whose response has not ended yet.
    private var inFlight = 0
    private var waiting: Wait?
    private var timer: Scheduled<Void>?

    init(limits: ConnectionLimits, gate: ConnectionGate) {
        self.limits = limits
        self.gate = gate
    }

    // The channel may already be active when the handler is added (Hummingbird sets the pipeline up before
    // the socket is registered, so usually not): start in whichever comes first.
    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { stop() }

    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        guard gate.enter() else { return answerAndClose(context, .serviceUnavailable) }
        holdsPlace = true
        arm(context, .head)
    }

    private func stop() {
        timer?.cancel()
        timer = nil
        finished = true
        if holdsPlace {
            holdsPlace = false
            gate.leave()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !finished else { return }
        sawPart = true
        switch unwrapInboundIn(data) {
        case .head:
            reading = true
            inFlight += 1
            if inFlight == 1 {
                responseStarted = false
                arm(context, .body)
            } else {
                disarm()  // pipelined behind a request being answered
            }
        case .body:
            break
        case .end:
            reading = false
            if inFlight == 0 { arm(context, .idle) } else { disarm() }
        }
        context.fireChannelRead(data)
    }

    // Called after every socket read, even one that completed no part: bytes of a new head have arrived, so the
    // idle wait becomes a head wait.
    func channelReadComplete(context: ChannelHandlerContext) {
        if waiting == .idle, !sawPart { arm(context, .head) }
        sawPart = false
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head:
            responseStarted = true
        case .body:
            break
        case .end:
            inFlight = max(0, inFlight - 1)
            if inFlight == 0, !reading {
                arm(context, .idle)
            } else if reading, inFlight == 1 {
                responseStarted = false
                arm(context, .body)
            }
        }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext, _ wait: Wait) {
        timer?.cancel()
        waiting = wait
        let delay: Duration =
            switch wait {
            case .head: limits.headerTimeout
            case .body: limits.bodyTimeout
            case .idle: limits.idleTimeout
            }
        let loop = context.eventLoop.assumeIsolated()
        timer = loop.scheduleTask(in: TimeAmount(delay)) { self.expire(context, wait) }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
        waiting = nil
    }

    private func expire(_ context: ChannelHandlerContext, _ wait: Wait) {
        timer = nil
        waiting = nil
        switch wait {
        case .idle:
            finished = true
            context.close(promise: nil)
        case .head:
            answerAndClose(context, .requestTimeout)
        case .body:
            let answered = responseStarted
            context.fireErrorCaught(RequestBodyTimeout())  // the body read throws instead of seeming complete
            if answered {
                finished = true
                context.close(promise: nil)
            } else {
                answerAndClose(context, .requestTimeout)
            }
        }
    }

    private func answerAndClose(_ context: ChannelHandlerContext, _ status: HTTPResponse.Status) {
        finished = true
        var fields: HTTPFields = [.connection: "close", .contentLength: "0"]
        if status == .serviceUnavailable { fields[.retryAfter] = "1" }
        context.write(wrapOutboundOut(.head(HTTPResponse(status: status, headerFields: fields))), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}
