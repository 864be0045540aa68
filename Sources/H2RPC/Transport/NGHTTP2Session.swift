import CNGHTTP2

/// Events an nghttp2 session reports while it parses input or produces output.
///
/// Every method runs on the connection's event loop, inside `nghttp2_session_mem_recv` or
/// `nghttp2_session_mem_send`; implementations must not call back into those two functions.
protocol NGHTTP2SessionDelegate: AnyObject {
    /// A HEADERS frame starts: a new request (server), response headers or trailers.
    func sessionDidBeginHeaders(streamID: Int32, category: nghttp2_headers_category)
    /// One header field of the block being received.
    /// One header field; the bytes are valid only during the call.
    func sessionDidReceiveHeader(
        streamID: Int32, name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>)
    /// The header block is complete; `endStream` when the peer closed its side with it.
    func sessionDidReceiveHeaders(streamID: Int32, endStream: Bool)
    /// A chunk of DATA payload.
    func sessionDidReceiveData(streamID: Int32, bytes: UnsafeRawBufferPointer)
    /// A DATA frame carried END_STREAM.
    func sessionDidReceiveEndOfData(streamID: Int32)
    /// The stream is closed; `errorCode` is the HTTP/2 error code (0 for a clean close).
    func sessionStreamDidClose(streamID: Int32, errorCode: UInt32)
    /// We sent a frame carrying END_STREAM on the stream.
    func sessionDidSendEndStream(streamID: Int32)
    /// A PING acknowledgement arrived, echoing the `payload` its PING carried.
    func sessionDidReceivePingAck(payload: UInt64)
    /// The peer reset a stream (RST_STREAM received).
    func sessionDidReceiveReset(streamID: Int32)
    /// The peer sent GOAWAY.
    func sessionDidReceiveGoAway(lastStreamID: Int32, errorCode: UInt32)
    /// nghttp2 wants up to `buffer.count` bytes of the stream's body.
    func sessionReadOutbound(streamID: Int32, into buffer: UnsafeMutableRawBufferPointer) -> OutboundRead
}

/// What a stream's body source produced for one DATA frame.
enum OutboundRead {
    /// `count` bytes were copied; more may follow.
    case bytes(Int)
    /// Nothing available yet; the stream is paused until `resumeData`.
    case deferred
    /// `count` bytes were copied and the body is complete; `trailers` (server) are sent after it,
    /// otherwise the DATA frame carries END_STREAM.
    case end(count: Int, trailers: [(name: String, value: String)]?)
}

/// Tunables passed to nghttp2 when a session is created.
struct NGHTTP2SessionSettings {
    var maximumConcurrentStreams: UInt32
    var initialWindowSize: UInt32
    var connectionWindowSize: UInt32
    var maximumHeaderListSize: UInt32
    var maximumFrameSize: UInt32 = 16_384
}

/// An nghttp2 session confined to one event loop.
///
/// Owns the `nghttp2_session*`; nghttp2 reaches this object through `user_data`
/// (`Unmanaged`, unretained: the owner keeps the session alive while nghttp2 runs) and forwards
/// events to `delegate`. Automatic WINDOW_UPDATE is disabled: the owner calls `consume` as the
/// application consumes data, which is how receive-side backpressure reaches the peer.
final class NGHTTP2Session {
    enum Role {
        case server
        case client
    }

    private(set) var session: OpaquePointer?
    /// The connection that owns this session. `unowned(unsafe)`: the owner outlives the session
    /// (it holds it strongly and deletes it in `terminate`/deinit), and a weak load on every
    /// nghttp2 callback showed up in profiles.
    unowned(unsafe) var delegate: (any NGHTTP2SessionDelegate)?
    let role: Role

    /// Creates the session; throws when nghttp2 cannot allocate it.
    init(role: Role) throws(RPCError) {
        self.role = role
        var callbacks: OpaquePointer?
        guard nghttp2_session_callbacks_new(&callbacks) == 0, let callbacks else {
            throw RPCError(code: .resourceExhausted, message: "nghttp2 could not allocate callbacks.")
        }
        defer { nghttp2_session_callbacks_del(callbacks) }
        NGHTTP2Callbacks.install(into: callbacks)

        var option: OpaquePointer?
        guard nghttp2_option_new(&option) == 0, let option else {
            throw RPCError(code: .resourceExhausted, message: "nghttp2 could not allocate options.")
        }
        defer { nghttp2_option_del(option) }
        nghttp2_option_set_no_auto_window_update(option, 1)
        // Before the peer's SETTINGS arrive, assume the gRPC-typical 100 concurrent streams.
        nghttp2_option_set_peer_max_concurrent_streams(option, 100)

        var created: OpaquePointer?
        let rc: Int32
        switch role {
        case .server:
            rc = nghttp2_session_server_new2(&created, callbacks, nil, option)
        case .client:
            rc = nghttp2_session_client_new2(&created, callbacks, nil, option)
        }
        guard rc == 0, let created else {
            throw RPCError(code: .resourceExhausted, message: "nghttp2 could not create a session (\(rc)).")
        }
        session = created
        nghttp2_session_set_user_data(created, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit {
        if let session { nghttp2_session_del(session) }
    }

    /// Sends our SETTINGS and enlarges the connection-level receive window.
    func submitSettings(_ settings: NGHTTP2SessionSettings) -> Int32 {
        guard let session else { return NGHTTP2_ERR_INVALID_STATE.rawValue }
        var entries = [
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue),
                value: settings.maximumConcurrentStreams),
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue),
                value: settings.initialWindowSize),
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue),
                value: settings.maximumHeaderListSize),
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_MAX_FRAME_SIZE.rawValue),
                value: settings.maximumFrameSize),
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_ENABLE_PUSH.rawValue), value: 0),
        ]
        if role == .server { entries.removeLast() }
        var rc = nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), &entries, entries.count)
        if rc == 0 {
            rc = nghttp2_session_set_local_window_size(
                session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, Int32(clamping: settings.connectionWindowSize))
        }
        return rc
    }

    /// Feeds received bytes; returns nghttp2's result (negative on a fatal connection error).
    func receive(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard let session, let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        return nghttp2_session_mem_recv(session, base.assumingMemoryBound(to: UInt8.self), bytes.count)
    }

    /// Produces the next chunk of bytes to send; empty when nothing is pending, `nil` on a fatal error.
    func nextOutput() -> UnsafeRawBufferPointer? {
        guard let session else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        var pointer: UnsafePointer<UInt8>?
        let count = nghttp2_session_mem_send(session, &pointer)
        if count < 0 { return nil }
        return UnsafeRawBufferPointer(start: pointer, count: count)
    }

    /// Whether nghttp2 still wants to read or write; when neither, the connection is done.
    var isActive: Bool {
        guard let session else { return false }
        return nghttp2_session_want_read(session) != 0 || nghttp2_session_want_write(session) != 0
    }

    /// Returns `byteCount` received bytes of `streamID` to the peer's flow-control window.
    func consume(streamID: Int32, byteCount: Int) {
        guard let session, byteCount > 0 else { return }
        if nghttp2_session_consume(session, streamID, byteCount) != 0 {
            // The stream is gone: the bytes still count against the connection window.
            nghttp2_session_consume_connection(session, byteCount)
        }
    }

    /// Returns stream-level flow-control credit only (the connection window is credited apart).
    func consumeStream(streamID: Int32, byteCount: Int) {
        guard let session, byteCount > 0 else { return }
        _ = nghttp2_session_consume_stream(session, streamID, byteCount)
    }

    /// Returns connection-level flow-control credit only.
    func consumeConnection(byteCount: Int) {
        guard let session, byteCount > 0 else { return }
        _ = nghttp2_session_consume_connection(session, byteCount)
    }

    /// Submits response headers (server); with `hasBody` false the HEADERS frame ends the stream.
    func submitResponse(streamID: Int32, headers: [(name: String, value: String)], hasBody: Bool) -> Int32 {
        guard let session else { return NGHTTP2_ERR_INVALID_STATE.rawValue }
        return HeaderBlock.withNameValuePairs(headers) { pairs, count in
            if hasBody {
                var provider = NGHTTP2Callbacks.dataProvider
                return nghttp2_submit_response(session, streamID, pairs, count, &provider)
            }
            return nghttp2_submit_response(session, streamID, pairs, count, nil)
        }
    }

    /// Submits a request (client); returns the new stream id or a negative error.
    func submitRequest(headers: [(name: String, value: String)]) -> Int32 {
        guard let session else { return NGHTTP2_ERR_INVALID_STATE.rawValue }
        return HeaderBlock.withNameValuePairs(headers) { pairs, count in
            var provider = NGHTTP2Callbacks.dataProvider
            return nghttp2_submit_request(session, nil, pairs, count, &provider, nil)
        }
    }

    /// Submits trailers; only valid inside `sessionReadOutbound` or with no body pending.
    func submitTrailers(streamID: Int32, trailers: [(name: String, value: String)]) -> Int32 {
        guard let session else { return NGHTTP2_ERR_INVALID_STATE.rawValue }
        return HeaderBlock.withNameValuePairs(trailers) { pairs, count in
            nghttp2_submit_trailer(session, streamID, pairs, count)
        }
    }

    /// Resumes a stream whose body source returned `.deferred`.
    func resumeData(streamID: Int32) {
        guard let session else { return }
        _ = nghttp2_session_resume_data(session, streamID)
    }

    /// Resets a stream with an HTTP/2 error code.
    func resetStream(streamID: Int32, errorCode: nghttp2_error_code) {
        guard let session else { return }
        _ = nghttp2_submit_rst_stream(
            session, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID, errorCode.rawValue)
    }

    /// Sends a PING carrying `payload` (eight bytes, big-endian), which its acknowledgement echoes.
    func submitPing(payload: UInt64 = 0) {
        guard let session else { return }
        withUnsafeBytes(of: payload.bigEndian) { bytes in
            _ = nghttp2_submit_ping(
                session, UInt8(NGHTTP2_FLAG_NONE.rawValue),
                bytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// Server: GOAWAY with the largest stream id (RFC 9113 §6.8), announcing a shutdown while
    /// still accepting the streams the client sends before it reads this; a later
    /// `submitGoAway` names the last one.
    func submitShutdownNotice() {
        guard let session else { return }
        _ = nghttp2_submit_shutdown_notice(session)
    }

    /// Sends GOAWAY; the last stream id is the highest one we processed, so in-flight streams
    /// may finish while new ones are refused.
    func submitGoAway(errorCode: nghttp2_error_code, debug: String) {
        guard let session else { return }
        let last = nghttp2_session_get_last_proc_stream_id(session)
        var bytes = Array(debug.utf8)
        _ = nghttp2_submit_goaway(
            session, UInt8(NGHTTP2_FLAG_NONE.rawValue), last, errorCode.rawValue, &bytes, bytes.count)
    }

    /// Sends GOAWAY with `errorCode` and makes nghttp2 stop reading: once the GOAWAY is written
    /// the session wants neither input nor output, so the owner closes the connection.
    func terminateSession(errorCode: nghttp2_error_code) {
        guard let session else { return }
        _ = nghttp2_session_terminate_session(session, errorCode.rawValue)
    }

    /// Ends all work: no more callbacks after this.
    func terminate() {
        if let session {
            nghttp2_session_set_user_data(session, nil)
            nghttp2_session_del(session)
        }
        session = nil
    }
}
