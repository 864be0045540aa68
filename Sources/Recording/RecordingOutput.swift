import FirstPass
import Foundation
import Synchronization

/// The output JSONL file of a recording run: what is already in it, and appending to it.
///
/// Resumable: an utterance with a line (list or failure) is done. A last line without its
/// newline was cut by an interrupted run; it is cut off and that utterance recorded again.
public final class RecordingOutput: Sendable {
    /// Utterance ids already in the file when it was opened.
    public let done: Set<String>
    private let handle: Mutex<FileHandle>

    /// Opens (creating) `path`, repairing a cut last line.
    public init(path: String) throws(RecordingError) {
        let manager = FileManager.default
        if !manager.fileExists(atPath: path) {
            guard manager.createFile(atPath: path, contents: nil) else {
                throw RecordingError(.io, "cannot create \(path)")
            }
        }
        guard let data = manager.contents(atPath: path), let handle = FileHandle(forUpdatingAtPath: path)
        else {
            throw RecordingError(.io, "cannot open \(path) for reading and writing")
        }
        var complete = data
        if let last = data.last, last != UInt8(ascii: "\n") {
            let cut = data.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? data.startIndex
            complete = data[data.startIndex..<cut]
            do {
                try handle.truncate(atOffset: UInt64(complete.count))
            } catch {
                throw RecordingError(.io, "cannot cut the partial last line of \(path): \(error)")
            }
        }
        let report = NBestJSONL.parse(String(decoding: complete, as: UTF8.self), duplicates: .keepBest)
        if let issue = report.issues.first {
            throw RecordingError(
                .io,
                "\(path) holds \(report.issues.count) invalid line(s), first \(issue); not appending to it")
        }
        done = Set(report.records.map(\.list.utteranceID) + report.failures.map(\.utteranceID))
        do {
            try handle.seekToEnd()
        } catch {
            throw RecordingError(.io, "cannot seek to the end of \(path): \(error)")
        }
        self.handle = Mutex(handle)
    }

    /// Appends one line (a newline is added) in a single write, so lines never interleave.
    public func append(_ line: String) throws(RecordingError) {
        let result: Result<Void, any Error> = handle.withLock { handle in
            Result { try handle.write(contentsOf: Data((line + "\n").utf8)) }
        }
        if case .failure(let error) = result { throw RecordingError(.io, "cannot append a line: \(error)") }
    }

    deinit {
        handle.withLock { try? $0.close() }
    }
}
