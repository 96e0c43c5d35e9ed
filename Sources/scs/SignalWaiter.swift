import Dispatch
import Foundation

/// Waits for one of a set of signals (the default handlers are ignored while waiting).
enum SignalWaiter {
    static func wait(for signals: [Int32]) async -> Int32 {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        let queue = DispatchQueue(label: "scs.signals")
        let sources = signals.map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
        var received: Int32 = 0
        for await number in stream {
            received = number
            break
        }
        for source in sources { source.cancel() }
        return received
    }
}
