/// Scratch memory for one text at a time, grown as needed and reused across the texts of one
/// search (owned by one scorer; never shared between tasks).
final class ScratchBuffer {
    private(set) var pointer = UnsafeMutablePointer<Int32>.allocate(capacity: 0)
    private var capacity = 0

    deinit { pointer.deallocate() }

    /// Room for `count` values; the contents are whatever the last text left.
    func reserve(_ count: Int) -> UnsafeMutablePointer<Int32> {
        if count > capacity {
            pointer.deallocate()
            capacity = max(count, 2 * capacity)
            pointer = .allocate(capacity: capacity)
        }
        return pointer
    }
}
