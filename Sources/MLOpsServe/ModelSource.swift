import Foundation
import MLOpsCore
import MLOpsErrors
import MLOpsLearn
import MLOpsMonitor
import Synchronization

/// Where a server's models come from: the repository's registry (``RegistrySource``) or bundle files
/// (``BundleSource``). A route names a model in the source's terms (`mpg@production`, a bundle's path); the
/// source says which revision it stands for now, cheaply (every poll), and loads a revision only when it is not
/// the one serving.
protocol ModelSource: Sendable {
    /// What `route` stands for now: a key equal for equal models (a version number, a file's identity).
    func revision(of route: String) throws -> String
    /// Whether `route` can change while serving (an alias, a bundle file), so it is polled.
    func follows(_ route: String) -> Bool
    /// Loads `revision` of `route` as `name`, with its data contract when requests are validated. Throws when it
    /// cannot be loaded: the revision serving keeps serving.
    func load(route: String, revision: String, name: String, validation: RequestValidation?) throws -> ServedModel
    /// The reference profile live drift compares `model`'s traffic with; nil when it has none. Throws when it
    /// cannot be read now (such as a profile not fetched yet), so it is looked up again later.
    func referenceProfile(of model: ServedModel) throws -> DataProfile?
    /// The drift tests and thresholds live drift applies.
    func driftRules() throws -> DriftRules
}

/// Registered versions: a route is a reference such as `mpg@production` (an alias is followed) or `mpg@4`.
struct RegistrySource: ModelSource {
    let repository: Repository

    func revision(of route: String) throws -> String {
        String(try repository.registry.versionNumber(try ModelReference.parse(route)))
    }

    func follows(_ route: String) -> Bool {
        if case .alias = try? ModelReference.parse(route) { return true }
        return false
    }

    /// A version whose contract cannot be read (its profile is not in the cache) fails to load like a broken
    /// model, so it never replaces one that works.
    func load(route: String, revision: String, name: String, validation: RequestValidation?) throws -> ServedModel {
        let reference = "\(name)@\(revision)"
        let resolved = try repository.resolveModel(reference)
        let contract = try validation.map { validation in
            try validation.schema ?? repository.contract(ofModel: reference)
        }
        return try ServedModel(
            name: name, version: resolved.version ?? 0, revision: revision, oid: resolved.oid, model: resolved.model,
            contract: contract)
    }

    func referenceProfile(of model: ServedModel) throws -> DataProfile? {
        try repository.referenceProfile(of: try repository.resolveModel(model.reference))?.profile
    }

    func driftRules() throws -> DriftRules { try DriftRules(repository.config.monitor?.drift) }
}

/// Bundle files (`mlops export`), served without a repository: a route is a bundle's absolute path. A file
/// replaced (an atomic rename, as `mlops model fetch` writes) is a new revision; it is read and verified whole
/// before it is served, and a damaged one is reported while the loaded model keeps serving.
final class BundleSource: ModelSource {
    /// Per bundle path, the revision loaded last and its profile: one entry per file, however often it is
    /// replaced.
    private let profiles = Mutex<[String: (revision: String, profile: DataProfile?)]>([:])

    /// The file's identity and change stamps: a rename over it gives another inode, an edit in place another
    /// size or modification time.
    func revision(of route: String) throws -> String {
        var status = stat()
        guard stat(route, &status) == 0 else {
            throw MLOpsError.system("read", path: route, errno: errno)
        }
        return "\(status.st_dev):\(status.st_ino):\(status.st_size):\(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec)"
    }

    func follows(_ route: String) -> Bool { true }

    func load(route: String, revision: String, name: String, validation: RequestValidation?) throws -> ServedModel {
        let bundle = try VerifiedBundle.read(route, given: route, consequence: "the model serving keeps serving")
        // A file replaced while it was read is read again at the next poll, as the revision it is by then.
        guard try self.revision(of: route) == revision else { throw RevisionChanged() }
        // The file serves one name's endpoint: a replacement holding another model would answer for the wrong one.
        let held = bundle.name(fileName: WorkspacePath.name(route))
        guard held == name else {
            throw MLOpsError(
                .invalidInput, "the bundle '\(route)' now holds the model '\(held)', not '\(name)'",
                hint: "serve it from its own server")
        }
        let contract = validation.map { $0.schema ?? bundle.contract() }
        let model = try ServedModel(
            name: name, version: bundle.manifest.version ?? 0, revision: revision, oid: bundle.modelOid,
            model: bundle.model, contract: contract)
        profiles.withLock { $0[route] = (revision, bundle.profile) }
        return model
    }

    func referenceProfile(of model: ServedModel) throws -> DataProfile? {
        guard let entry = profiles.withLock({ $0.values.first { $0.revision == model.revision } }) else {
            throw MLOpsError(.notFound, "\(model.reference) is no longer the bundle's model")
        }
        return entry.profile
    }

    func driftRules() throws -> DriftRules { try DriftRules(nil) }
}

/// The model a route stands for changed while it was loaded (a bundle rewritten in place): not a failure to
/// report, since the next poll loads the revision it has become.
struct RevisionChanged: Error {}
