import Dispatch
import GRDB

/// Folds the WAL into the database file every `interval` seconds on its own connection and
/// thread (PASSIVE: never blocks readers or the writer), so no request's commit pays for it.
/// `@unchecked`: its only state is a DispatchSource timer, which is safe to cancel from any thread.
final class Checkpointer: @unchecked Sendable {
    let timer: any DispatchSourceTimer
    let queue: DispatchQueue

    /// - Parameter afterPass: called after every pass with the number of frames in the WAL (-1 when
    ///   the pass failed); the write coalescer may then finish the job between two batches (see
    ///   `WriteCoalescer.requestCheckpoint`).
    init?(path: String, busyTimeout: Double, interval: Double = 0.5, afterPass: @escaping @Sendable (Int) -> Void = { _ in }) {
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "scs.checkpoint"
        guard let connection = try? DatabaseQueue(path: path, configuration: configuration) else { return nil }
        let queue = DispatchQueue(label: "scs.checkpoint", qos: .utility)
        self.queue = queue
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(100))
        timer.setEventHandler {
            let frames = (try? connection.writeWithoutTransaction { db in try db.checkpoint(.passive) })?.walFrameCount
            afterPass(frames ?? -1)
        }
        timer.resume()
    }

    /// Stops the timer and waits for a checkpoint in progress to finish.
    func stop() {
        timer.cancel()
        queue.sync {}
    }
}
