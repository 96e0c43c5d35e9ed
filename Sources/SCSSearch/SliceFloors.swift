import Synchronization

/// What the slices of one parallel search tell each other: the weakest score each slice holds
/// once it holds `limit` hits. A message in another slice that cannot beat those hits cannot be
/// in the overall best `limit` either, so that slice may skip it — its threshold rises with the
/// best hits found anywhere, not only with its own.
///
/// Slices are position ranges, slice 0 the oldest. A full slice j outranks a message x of slice i
/// when x's score is below j's weakest, and also when it is equal and j is newer (ties rank
/// newest first): so x needs more than j's weakest if j > i, at least j's weakest if j < i.
final class SliceFloors: Sendable {
    private let floors: Mutex<[Double]>

    init(slices: Int) {
        floors = Mutex([Double](repeating: -1, count: slices))
    }

    /// Slice `slice` now holds `limit` hits, the weakest scoring `weakest`.
    func publish(_ weakest: Double, slice: Int) {
        floors.withLock { $0[slice] = max($0[slice], weakest) }
    }

    /// The least score a message of `slice` needs given the other slices' full sets (0: none).
    func floor(for slice: Int) -> Double {
        floors.withLock { floors in
            var floor = 0.0
            for (other, weakest) in floors.enumerated() where other != slice && weakest >= 0 {
                floor = max(floor, other > slice ? weakest.nextUp : weakest)
            }
            return floor
        }
    }
}
