/// The best `limit` hits seen so far, for a scan that visits messages newest first: a later
/// (older) hit enters only with a strictly higher score than the weakest one held, which is
/// exactly the order `SearchService.best` sorts by (score, then newest).
struct TopHits {
    let limit: Int
    /// Held hits, weakest first.
    private(set) var hits: [SearchService.RankedHit] = []

    init(limit: Int) {
        self.limit = limit
        hits.reserveCapacity(limit + 1)
    }

    /// The score a further hit needs: `minimum` until `limit` hits are held, then just above the
    /// weakest held score (above 100 when no score can enter any more).
    func threshold(atLeast minimum: Double) -> Double {
        if limit == 0 { return .infinity }
        guard hits.count == limit, let weakest = hits.first?.score else { return minimum }
        return max(minimum, weakest.nextUp)
    }

    /// The weakest held score once `limit` hits are held.
    var weakestOfFull: Double? { limit > 0 && hits.count == limit ? hits.first?.score : nil }

    /// Adds a hit that met `threshold(atLeast:)`, dropping the weakest when over the limit.
    mutating func insert(_ hit: SearchService.RankedHit) {
        guard limit > 0 else { return }
        // Weakest first; among equal scores the older (lower position, visited later) sorts first.
        let index = hits.firstIndex { $0.score > hit.score || ($0.score == hit.score && $0.position > hit.position) }
            ?? hits.endIndex
        hits.insert(hit, at: index)
        if hits.count > limit { hits.removeFirst() }
    }
}
