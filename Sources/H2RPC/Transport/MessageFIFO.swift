/// The unread messages of one stream, oldest first, each with the bytes it took on the wire.
///
/// The oldest message is held inline while no other waits behind it: a unary request is queued
/// before its handler starts and read once, and an array for that one message was an allocation
/// per call. Further messages go to an array read through a head index, compacted as it is read.
struct MessageFIFO {
    typealias Element = (bytes: [UInt8], wireLength: Int)

    private var first: Element?
    private var rest: [Element] = []
    private var head = 0

    var isEmpty: Bool { first == nil && head == rest.count }

    mutating func append(_ element: Element) {
        if isEmpty {
            first = element
        } else {
            rest.append(element)
        }
    }

    /// Removes and returns the oldest message.
    mutating func popFirst() -> Element? {
        if let taken = first {
            first = nil
            return taken
        }
        guard head < rest.count else { return nil }
        let taken = rest[head]
        head += 1
        if head == rest.count {
            rest.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 64 && head * 2 > rest.count {
            rest.removeFirst(head)
            head = 0
        }
        return taken
    }

    mutating func removeAll() {
        first = nil
        rest = []
        head = 0
    }
}
