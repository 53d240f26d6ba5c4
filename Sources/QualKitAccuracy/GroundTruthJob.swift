#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// Reads a SageMaker Ground Truth text-classification job's output folder into ``LabelData``.
///
/// Worker answers: every `*.json` file under `<job>/annotations/worker-response/<iteration>/<index>/`, every
/// answer in each file (a file may hold one answer or all of an object's answers); `<index>` is the object's
/// 0-based line in the input manifest. Files are read on every core.
public struct GroundTruthJob: Sendable {
    /// The job's output folder (the one holding `annotations/` and `manifests/`).
    public var jobDirectory: String
    /// The input manifest; default `<job>/dataset.manifest` when that file exists.
    public var datasetManifest: String?
    /// The output manifest; default `<job>/manifests/output/output.manifest` when that file exists.
    public var outputManifest: String?
    /// The gold file (golden.manifest JSON Lines or `index,label` CSV), if any.
    public var goldFile: String?
    /// The `answerContent` element holding the label.
    public var element = "crowd-classifier"
    /// Threads reading files (default: every core).
    public var threads: Int = ProcessorCount.value

    public init(jobDirectory: String, datasetManifest: String? = nil, outputManifest: String? = nil, goldFile: String? = nil) {
        self.jobDirectory = jobDirectory
        self.datasetManifest = datasetManifest
        self.outputManifest = outputManifest
        self.goldFile = goldFile
    }

    /// The dataset manifest actually used (given, or the job's own when present).
    public var resolvedDatasetManifest: String? {
        if let datasetManifest { return datasetManifest }
        let p = FileSystem.join(jobDirectory, "dataset.manifest")
        return FileSystem.isFile(p) ? p : nil
    }

    /// The output manifest actually used (given, or the job's own when present).
    public var resolvedOutputManifest: String? {
        if let outputManifest { return outputManifest }
        let p = FileSystem.join(jobDirectory, "manifests/output/output.manifest")
        return FileSystem.isFile(p) ? p : nil
    }

    /// Reads everything.
    ///
    /// - Throws: ``AccuracyIOError`` when a folder or file cannot be read; ``AccuracyProblems`` listing every
    ///   bad file, line, object index and gold label found.
    public func read() throws -> LabelData {
        let responsesRoot = FileSystem.join(jobDirectory, "annotations/worker-response")
        guard FileSystem.isDirectory(jobDirectory) else { throw AccuracyIOError("\(jobDirectory) is not a folder") }
        guard FileSystem.isDirectory(responsesRoot) else {
            throw AccuracyIOError("\(jobDirectory) has no annotations/worker-response folder; give the Ground Truth job's output folder (the one holding annotations/ and manifests/)")
        }
        var problems: [AccuracyError] = []

        // Manifests first: they fix the number of objects.
        var datasetCount: Int? = nil
        if let path = resolvedDatasetManifest {
            do { datasetCount = try Manifests.datasetObjectCount(try FileSystem.read(path), source: path) } catch let p as AccuracyProblems {
                problems += p.problems
            }
        }
        var consolidated: [String?]? = nil
        let outputPath = resolvedOutputManifest
        if let outputPath {
            do { consolidated = try Manifests.consolidatedLabels(try FileSystem.read(outputPath), source: outputPath) } catch let p as AccuracyProblems {
                problems += p.problems
            }
        }
        if let datasetCount, let c = consolidated, c.count != datasetCount {
            problems.append(AccuracyError(source: outputPath!, message: "\(c.count) objects, but the dataset manifest has \(datasetCount)",
                                          hint: "give the output manifest and the dataset manifest of the same job"))
        }

        // Worker responses.
        let known = datasetCount ?? consolidated?.count
        let countSource = datasetCount != nil ? "the dataset manifest" : consolidated != nil ? "the output manifest" : "the answers"
        let (collector, responseProblems, maxIndex) = try readResponses(root: responsesRoot, limit: known, countSource: countSource)
        problems += responseProblems
        var objectCount = known ?? (maxIndex + 1)
        if known == nil, objectCount > max(1_000_000, 100 * collector.count) {
            // Without a manifest the count comes from the largest folder name: refuse to size arrays by a stray one.
            problems.append(AccuracyError(source: responsesRoot, message: "object index \(maxIndex) is far above what \(collector.count) answers need",
                                          hint: "give --dataset (the job's input manifest) so the number of objects is known"))
            objectCount = 0
        }

        // Gold.
        var gold: [GoldLabel] = []
        if let goldFile {
            do {
                let (pairs, goldProblems) = Manifests.collectGoldPairs(try FileSystem.read(goldFile), source: goldFile) { key, _ in Int(key) == nil }
                problems += goldProblems
                for p in pairs {
                    guard let index = Int(p.key), index >= 0, String(index) == p.key else {
                        problems.append(AccuracyError(source: goldFile, line: p.line, message: "gold key \"\(p.key)\" is not an object index",
                                                      hint: "keys are 0-based line numbers of the input manifest, e.g. {\"17\": \"animal\"}"))
                        continue
                    }
                    guard index < objectCount else {
                        problems.append(AccuracyError(source: goldFile, line: p.line, message: "gold object \(index) is not in the job (\(countSource) has \(objectCount) objects)",
                                                      hint: datasetCount == nil ? "give --dataset so every object of the job is known" : "keys are 0-based line numbers of the input manifest"))
                        continue
                    }
                    gold.append(GoldLabel(object: index, label: p.label, source: goldFile, line: p.line))
                }
            }
        }
        if !problems.isEmpty { throw AccuracyProblems(problems) }
        if collector.count == 0 {
            throw AccuracyProblems([AccuracyError(source: responsesRoot, message: "no worker answers found",
                                                  hint: "expected <iteration>/<index>/<timestamp>.json files with {\"answers\": […]}")])
        }
        var padded = consolidated
        if padded != nil, padded!.count < objectCount { padded! += Array(repeating: nil, count: objectCount - padded!.count) }
        return try LabelData(source: jobDirectory, responses: collector, objectNames: (0..<objectCount).map(String.init),
                             gold: gold, consolidated: padded)
    }

    private struct Task {
        var index: Int
        var iteration: Int
        var name: String
    }

    private struct Chunk: Sendable {
        var responses: ResponseCollector
        var problems: [AccuracyError] = []
        var maxIndex = -1
    }

    private func readResponses(root: String, limit: Int?, countSource: String) throws -> (ResponseCollector, [AccuracyError], Int) {
        guard let iterations = FileSystem.list(root) else { throw AccuracyIOError("cannot list \(root)") }
        var problems: [AccuracyError] = []
        var tasks: [Task] = []
        var iterationPaths: [String] = []
        var iterationFDs: [Int32] = []
        defer { for fd in iterationFDs { FileSystem.closeFile(fd) } }
        for it in iterations.sorted(by: { $0.name < $1.name }) {
            let itPath = FileSystem.join(root, it.name)
            if it.isDirectory == false || (it.isDirectory == nil && !FileSystem.isDirectory(itPath)) { continue }
            guard let objects = FileSystem.list(itPath), let itFD = FileSystem.openDirectory(itPath) else {
                throw AccuracyIOError("cannot list \(itPath): \(FileSystem.errorText())")
            }
            let iteration = iterationFDs.count
            iterationPaths.append(itPath)
            iterationFDs.append(itFD)
            tasks.reserveCapacity(tasks.count + objects.count)
            for o in objects {
                let folder = FileSystem.join(itPath, o.name)
                if o.isDirectory == false { continue }
                guard let index = Int(o.name), index >= 0, index < Int(Int32.max), String(index) == o.name else {
                    if o.isDirectory == nil && !FileSystem.isDirectory(folder) { continue }
                    problems.append(AccuracyError(source: folder, message: "folder name \"\(o.name)\" is not an object index",
                                                  hint: "worker-response/<iteration>/ holds one folder per object, named by its 0-based input-manifest line"))
                    continue
                }
                if let limit, index >= limit {
                    if problems.count < 200 {
                        problems.append(AccuracyError(source: folder, message: "object index \(index) is not in the job (\(countSource) has \(limit) objects, 0…\(limit - 1))",
                                                      hint: "worker-response folders are named by 0-based input-manifest line; give the job's own dataset.manifest / output.manifest"))
                    }
                    continue
                }
                tasks.append(Task(index: index, iteration: iteration, name: o.name))
            }
        }
        // Folder order from readdir is arbitrary: sort by iteration, then index, so answers come in a fixed order
        // (results do not depend on the file system) and objects are visited in order (cache-friendly later).
        tasks.sort { ($0.iteration, $0.index) < ($1.iteration, $1.index) }
        let element = self.element
        let chunkSize = 256
        let chunkCount = (tasks.count + chunkSize - 1) / chunkSize
        let results = Mutex<[Int: Chunk]>([:])
        let failure = Mutex<AccuracyIOError?>(nil)
        let allTasks = tasks
        let iterationFDsCopy = iterationFDs, iterationPathsCopy = iterationPaths
        let work: @Sendable (Int) -> Void = { c in
            var chunk = Chunk(responses: ResponseCollector(element: element))
            chunk.responses.reserveCapacity(chunkSize * 4)
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            do {
                for t in allTasks[(c * chunkSize)..<min(allTasks.count, (c + 1) * chunkSize)] {
                    let folder = { FileSystem.join(iterationPathsCopy[t.iteration], t.name) }
                    guard let dfd = FileSystem.openDirectory(t.name, in: iterationFDsCopy[t.iteration]) else {
                        throw AccuracyIOError("cannot open \(folder()): \(FileSystem.errorText())")
                    }
                    var ioError: AccuracyIOError? = nil
                    let listed = FileSystem.withFiles(in: dfd, suffix: ".json") { names in
                        for name in names {
                            guard let n = FileSystem.read(name, in: dfd, into: &buffer) else {
                                ioError = AccuracyIOError("cannot read \(FileSystem.join(folder(), name)): \(FileSystem.errorText())")
                                return
                            }
                            buffer.withUnsafeBytes { raw in
                                do throws(AccuracyError) {
                                    try chunk.responses.addWorkerResponse(UnsafeRawBufferPointer(rebasing: raw[0..<n]), objectIndex: t.index,
                                                                          source: { FileSystem.join(folder(), name) })
                                    chunk.maxIndex = max(chunk.maxIndex, t.index)
                                } catch {
                                    if chunk.problems.count < 50 { chunk.problems.append(error) }
                                }
                            }
                        }
                    }
                    if !listed { throw AccuracyIOError("cannot list \(folder()): \(FileSystem.errorText())") }
                    if let ioError { throw ioError }
                }
            } catch let e as AccuracyIOError {
                failure.withLock { if $0 == nil { $0 = e } }
            } catch {}
            results.withLock { $0[c] = chunk }
        }
        let threads = max(1, min(self.threads, chunkCount))
        if threads <= 1 {
            for c in 0..<chunkCount { work(c) }
        } else {
            // `threads` lanes, each taking chunks in turn: order of results is restored below.
            let next = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                while true {
                    let c = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    if c >= chunkCount { break }
                    work(c)
                }
            }
        }
        if let e = failure.withLock({ $0 }) { throw e }
        var all = results.withLock { r in
            let taken = r
            r = [:]
            return taken
        }
        var collector = ResponseCollector(element: element)
        collector.reserveCapacity(all.values.reduce(0) { $0 + $1.responses.count })
        var maxIndex = -1
        for c in 0..<chunkCount {
            guard let chunk = all.removeValue(forKey: c) else { continue }
            collector.merge(chunk.responses)
            problems += chunk.problems
            maxIndex = max(maxIndex, chunk.maxIndex)
        }
        return (collector, problems, maxIndex)
    }
}

/// The number of cores to use.
public enum ProcessorCount {
    public static let value: Int = {
        #if canImport(Glibc) || canImport(Musl)
        let n = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        #else
        let n = sysconf(_SC_NPROCESSORS_ONLN)
        #endif
        return max(1, Int(n))
    }()
}
