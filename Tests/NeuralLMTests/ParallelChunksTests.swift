import Foundation
import Synchronization
import Testing

@testable import NeuralLM

/// The engine's work splitter: every chunk once, boundaries fixed by the data, tiny work inline.
@Suite("Parallel chunks")
struct ParallelChunksTests {
    /// Records what `body` saw, from whichever thread ran it.
    private final class Record: Sendable {
        let items = Mutex<[Int]>([])
        let ranges = Mutex<[Range<Int>]>([])
        let threads = Mutex<Set<UInt>>([])

        func note(chunk: Int? = nil, range: Range<Int>? = nil) {
            if let chunk { items.withLock { $0.append(chunk) } }
            if let range { ranges.withLock { $0.append(range) } }
            let thread = UInt(pthread_self())
            threads.withLock { _ = $0.insert(thread) }
        }
    }

    @Test("every chunk runs exactly once, whatever the thread budget", arguments: [1, 2, 3, 8])
    func everyChunkOnce(threads: Int) {
        let record = Record()
        ParallelChunks.forEach(chunks: 97, work: 1 << 20, threads: threads) { record.note(chunk: $0) }
        #expect(record.items.withLock { $0.sorted() } == Array(0..<97))
    }

    @Test("row, element and column ranges do not depend on the thread count")
    func boundariesIgnoreThreads() {
        func ranges(_ threads: Int) -> [[Range<Int>]] {
            let rows = Record()
            ParallelChunks.forEachRowRange(rows: 1000, width: 100, threads: threads) { rows.note(range: $0) }
            let elements = Record()
            ParallelChunks.forEachElementRange(count: 100_003, threads: threads) { elements.note(range: $0) }
            let columns = Record()
            ParallelChunks.forEachColumnRange(rows: 1000, width: 100, threads: threads) {
                columns.note(range: $0)
            }
            return [rows, elements, columns].map { record in
                record.ranges.withLock { $0.sorted { $0.lowerBound < $1.lowerBound } }
            }
        }
        let single = ranges(1)
        for threads in [2, 3, 8] { #expect(ranges(threads) == single) }
        // Ranges tile the whole extent without gaps or overlaps.
        for (ranges, extent) in zip(single, [1000, 100_003, 100]) {
            #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == extent)
            #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            #expect(ranges.count > 1)
        }
        #expect(single[1].dropLast().allSatisfy { $0.count % 8 == 0 })
    }

    @Test("work below the threshold runs inline on the caller's thread, in order")
    func smallWorkInline() {
        let record = Record()
        ParallelChunks.forEach(chunks: 16, work: ParallelChunks.minimumParallelWork - 1, threads: 2) {
            record.note(chunk: $0)
        }
        #expect(record.items.withLock { $0 } == Array(0..<16))
        let caller = UInt(pthread_self())
        #expect(record.threads.withLock { $0 } == [caller])
    }

    @Test("a scoped thread count is OpenBLAS's count and the kernels' inside the scope")
    func scopedCount() {
        for count in [3, 1, 2] {
            let inside = EngineThreads.withCount(count) { (EngineThreads.count, BLAS.threadCount) }
            #expect(inside == (count, count))
        }
    }
}
