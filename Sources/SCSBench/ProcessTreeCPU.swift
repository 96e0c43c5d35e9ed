import Foundation

/// CPU time (user + system) a process and all its descendants have used, read from /proc: the
/// cost a call puts on the whole server tree (supervisor and workers), which holds across
/// machines better than latency does.
enum ProcessTreeCPU {
    /// Seconds of CPU used so far by `root` and every process below it (0 where /proc is absent).
    static func seconds(root: Int32) -> Double {
        var children: [Int32: [Int32]] = [:]
        var used: [Int32: Double] = [:]
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // After "pid (comm)": state ppid … utime is field 14 and stime 15 of the whole line.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 13, let parent = Int32(fields[1]), let user = Double(fields[11]), let system = Double(fields[12])
            else { continue }
            children[parent, default: []].append(pid)
            used[pid] = (user + system) / ticks
        }
        var total = 0.0
        var stack = [root]
        while let pid = stack.popLast() {
            total += used[pid] ?? 0
            stack += children[pid] ?? []
        }
        return total
    }
}
