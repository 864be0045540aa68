#if canImport(Glibc)
    import Glibc
#endif

/// Returns freed heap memory to the operating system.
///
/// glibc keeps freed memory in its arenas (one per thread that allocated), so after one large
/// request the process would hold its peak footprint for good. `malloc_trim(0)` releases the free
/// pages of every arena; it costs about a millisecond, so it runs only after large requests.
/// Swift's Glibc module does not export `<malloc.h>`, so the function is looked up once by name;
/// on a C library without it this does nothing.
enum MemoryTrimming {
    private typealias Trim = @convention(c) (Int) -> Int32

    private static let trim: Trim? = {
        #if canImport(Glibc)
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else {
                return nil
            }
            return unsafeBitCast(symbol, to: Trim.self)
        #else
            return nil
        #endif
    }()

    /// Whether the C library has `malloc_trim` (so `releaseFreeMemory` does something).
    static var isAvailable: Bool { trim != nil }

    static func releaseFreeMemory() {
        _ = trim?(0)
    }
}
