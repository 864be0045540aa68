import CNGHTTP2

/// The C callbacks nghttp2 invokes, forwarding to the `NGHTTP2Session` found in `user_data`.
///
/// They are non-capturing closures converted to C function pointers; all context comes from
/// `user_data`. A callback that finds no session (torn down) or no delegate does nothing and
/// reports success so nghttp2 can unwind.
enum NGHTTP2Callbacks {
    static func install(into callbacks: OpaquePointer) {
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, onBeginHeaders)
        nghttp2_session_callbacks_set_on_header_callback(callbacks, onHeader)
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, onFrameReceive)
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, onDataChunk)
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, onStreamClose)
        nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, onFrameSend)
    }

    /// The body source every stream uses; the stream id selects the buffer.
    static let dataProvider = nghttp2_data_provider(
        source: nghttp2_data_source(ptr: nil), read_callback: readBody)

    private static func owner(_ userData: UnsafeMutableRawPointer?) -> NGHTTP2Session? {
        guard let userData else { return nil }
        return Unmanaged<NGHTTP2Session>.fromOpaque(userData).takeUnretainedValue()
    }

    private static let onBeginHeaders: nghttp2_on_begin_headers_callback = { _, frame, userData in
        guard let frame, let delegate = owner(userData)?.delegate else { return 0 }
        guard frame.pointee.hd.type == UInt8(NGHTTP2_HEADERS.rawValue) else { return 0 }
        delegate.sessionDidBeginHeaders(
            streamID: frame.pointee.hd.stream_id, category: frame.pointee.headers.cat)
        return 0
    }

    private static let onHeader: nghttp2_on_header_callback = {
        _, frame, name, nameLength, value, valueLength, _, userData in
        guard let frame, let delegate = owner(userData)?.delegate else { return 0 }
        delegate.sessionDidReceiveHeader(
            streamID: frame.pointee.hd.stream_id, name: UnsafeBufferPointer(start: name, count: nameLength),
            value: UnsafeBufferPointer(start: value, count: valueLength))
        return 0
    }

    private static let onFrameReceive: nghttp2_on_frame_recv_callback = { _, frame, userData in
        guard let frame, let delegate = owner(userData)?.delegate else { return 0 }
        let header = frame.pointee.hd
        let endStream = header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
        switch UInt32(header.type) {
        case NGHTTP2_HEADERS.rawValue:
            delegate.sessionDidReceiveHeaders(streamID: header.stream_id, endStream: endStream)
        case NGHTTP2_DATA.rawValue:
            if endStream { delegate.sessionDidReceiveEndOfData(streamID: header.stream_id) }
        case NGHTTP2_PING.rawValue:
            if header.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) != 0 {
                let payload = withUnsafeBytes(of: frame.pointee.ping.opaque_data) { bytes in
                    bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                }
                delegate.sessionDidReceivePingAck(payload: payload)
            }
        case NGHTTP2_RST_STREAM.rawValue:
            delegate.sessionDidReceiveReset(streamID: header.stream_id)
        case NGHTTP2_GOAWAY.rawValue:
            delegate.sessionDidReceiveGoAway(
                lastStreamID: frame.pointee.goaway.last_stream_id, errorCode: frame.pointee.goaway.error_code)
        default:
            break
        }
        return 0
    }

    private static let onFrameSend: nghttp2_on_frame_send_callback = { _, frame, userData in
        guard let frame, let delegate = owner(userData)?.delegate else { return 0 }
        let header = frame.pointee.hd
        if header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0 {
            delegate.sessionDidSendEndStream(streamID: header.stream_id)
        }
        return 0
    }

    private static let onDataChunk: nghttp2_on_data_chunk_recv_callback = {
        _, _, streamID, data, length, userData in
        guard let delegate = owner(userData)?.delegate else { return 0 }
        delegate.sessionDidReceiveData(
            streamID: streamID, bytes: UnsafeRawBufferPointer(start: data, count: length))
        return 0
    }

    private static let onStreamClose: nghttp2_on_stream_close_callback = { _, streamID, errorCode, userData in
        guard let delegate = owner(userData)?.delegate else { return 0 }
        delegate.sessionStreamDidClose(streamID: streamID, errorCode: errorCode)
        return 0
    }

    private static let readBody: nghttp2_data_source_read_callback = {
        _, streamID, buffer, length, flags, _, userData in
        guard let owner = owner(userData), let delegate = owner.delegate, let buffer, let flags else {
            return Int(NGHTTP2_ERR_CALLBACK_FAILURE.rawValue)
        }
        switch delegate.sessionReadOutbound(
            streamID: streamID, into: UnsafeMutableRawBufferPointer(start: buffer, count: length))
        {
        case .bytes(let count):
            return count
        case .deferred:
            return Int(NGHTTP2_ERR_DEFERRED.rawValue)
        case .end(let count, let trailers):
            flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
            if let trailers {
                flags.pointee |= NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue
                if owner.submitTrailers(streamID: streamID, trailers: trailers) != 0 {
                    return Int(NGHTTP2_ERR_CALLBACK_FAILURE.rawValue)
                }
            }
            return count
        }
    }
}
