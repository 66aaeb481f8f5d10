package org.adanspark.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docker-compose.yml}, without a Docker engine: Compose accepts it ({@code docker-compose config},
 * where installed), its Spark image is the build's Spark version, and everything its services run exists
 * in the build — the classes, the submit jar, the mounted files, the flags the job is given, and the
 * README's test command.
 */
class DockerComposeTest {

    private static final Path FILE = Build.ROOT.resolve("docker-compose.yml");
    private static final Set<String> SERVICES = Set.of("spark-master", "spark-worker-1", "spark-worker-2", "train", "test");

    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    static void parse() throws IOException {
        services = Build.composeServices();
        assertNotNull(services, "docker-compose.yml has no services");
    }

    @Test
    void composeAcceptsTheFile() throws Exception {
        assumeTrue(Build.onPath("docker-compose"), "docker-compose is not installed (apt-get install docker-compose); "
                + "the structure is still checked by the other tests here");
        Build.Result r = Build.run(List.of("docker-compose", "-f", FILE.toString(), "config", "-q"), Build.ROOT, Map.of(), 60);
        assertEquals(0, r.status(), r.output());
    }

    @Test
    void theServicesAreTheClusterTheJobAndTheTests() {
        assertEquals(SERVICES, services.keySet());
        for (Map.Entry<String, Map<String, Object>> s : services.entrySet()) {
            Map<String, Object> limits = map(map(map(s.getValue(), "deploy"), "resources"), "limits");
            assertNotNull(limits.get("cpus"), s.getKey() + " has no CPU limit");
            assertNotNull(limits.get("memory"), s.getKey() + " has no memory limit");
        }
        for (String name : List.of("spark-master", "spark-worker-1", "spark-worker-2")) {
            assertNotNull(services.get(name).get("healthcheck"), name + " has no health check");
        }
        assertEquals(List.of("8080:8080", "7077:7077"), services.get("spark-master").get("ports"));
        assertEquals(List.of("8081:8081"), services.get("spark-worker-1").get("ports"));
        assertEquals(List.of("8082:8082"), services.get("spark-worker-2").get("ports"));
        assertEquals(List.of("4040:4040"), services.get("train").get("ports"));
    }

    @Test
    void sparkServicesUseTheOfficialImageOfTheBuildsSparkVersion() {
        String image = "apache/spark:" + Build.property("adan.sparkVersion") + "-scala"
                + Build.property("adan.scalaBinaryVersion") + "-java17-ubuntu";
        for (String name : List.of("spark-master", "spark-worker-1", "spark-worker-2", "train")) {
            assertEquals(image, services.get(name).get("image"), name);
        }
        assertTrue(((String) services.get("test").get("image")).matches("maven:3\\.9\\.\\d+-eclipse-temurin-17"),
                "the test service runs Maven on JDK 17");
    }

    @Test
    void theClusterProcessesAreSparkClassesAndWorkersFindTheMaster() throws Exception {
        List<String> master = command("spark-master");
        assertEquals(List.of("/opt/spark/bin/spark-class", "org.apache.spark.deploy.master.Master"), master.subList(0, 2));
        Class.forName(master.get(1));
        String url = "spark://" + after(master, "--host") + ":" + after(master, "--port");
        for (String name : List.of("spark-worker-1", "spark-worker-2")) {
            List<String> worker = command(name);
            assertEquals("org.apache.spark.deploy.worker.Worker", worker.get(1));
            Class.forName(worker.get(1));
            assertEquals(url, worker.get(worker.size() - 1), name + " registers with the master");
            assertEquals(name, after(worker, "--host"));
            assertTrue(((List<?>) services.get(name).get("ports")).contains(after(worker, "--webui-port") + ":"
                    + after(worker, "--webui-port")), name + " publishes its UI port");
        }
    }

    @Test
    void theTrainServiceSubmitsTheBuiltJarWithFlagsTheCliAccepts() throws Exception {
        List<String> submit = command("train");
        assertEquals("/opt/spark/bin/spark-submit", submit.get(0));
        Build.Submission submission = Build.Submission.of(submit);
        List<String> master = command("spark-master");
        assertEquals("spark://" + after(master, "--host") + ":" + after(master, "--port"), submission.option("--master"));
        String main = submission.option("--class");
        assertEquals("org.adanspark.spark.cli.TrainMain", main);
        Class.forName(main);

        Path jar = hostPath("train", submission.jar());
        assertEquals(Build.submitJar().toRealPath(), jar.toRealPath(), "train submits the jar dist builds");

        assertNotNull(submission.settings());
        assertTrue(submission.settings("--resume").resume(), "what ADAN_TRAIN_FLAGS=--resume adds");
        assertTrue(Files.isDirectory(hostPath("train", after(submit, "--data-dir")).resolve("fashion-mnist")),
                "the data the job reads is mounted");
        for (String conf : submission.options()) {
            if (conf.startsWith("spark.driver.extraJavaOptions=-Dlog4j2.configurationFile=")) {
                assertTrue(Files.isRegularFile(hostPath("train", conf.substring(conf.indexOf("=/") + 1))), conf);
            }
        }
        String checkpoints = after(submit, "--checkpoint-dir");
        assertTrue(volumeTargets("train").stream().anyMatch(checkpoints::startsWith), "checkpoints land on a volume");
    }

    @Test
    void theTestServiceRunsTheReadmesTestCommandOnThisCheckoutWithSharedBesideIt() throws IOException {
        String readme = Files.readString(Build.ROOT.resolve("README.md"));
        String command = (String) services.get("test").get("command");
        assertTrue(readme.contains("\n" + command + " ") && readme.contains("# all tests"),
                "the test service runs '" + command + "', which is not the README's test command");
        String workdir = (String) services.get("test").get("working_dir");
        assertEquals(Build.ROOT.toRealPath(), hostPath("test", workdir).toRealPath());
        Path shared = hostPath("test", Path.of(workdir).resolveSibling("shared").toString());
        assertTrue(Files.isDirectory(shared.resolve("data")), "../shared is mounted beside the checkout: " + shared);
    }

    @Test
    void healthChecksUseOnlyToolsTheImageInstalls() {
        // apache/spark's Dockerfile installs bash and wget (and no curl)
        for (String name : List.of("spark-master", "spark-worker-1", "spark-worker-2")) {
            List<?> test = (List<?>) map(services.get(name), "healthcheck").get("test");
            assertEquals("CMD", test.get(0));
            assertTrue(Set.of("bash", "wget").contains(test.get(1)), name + " health check runs " + test.get(1));
        }
    }

    /**
     * The service's command as Compose runs it with no variables set (as in CI), split on white space
     * (Compose splits a string command the same way).
     */
    private static List<String> command(String service) {
        Object c = services.get(service).get("command");
        return c instanceof List<?> l ? l.stream().map(Object::toString).toList()
                : Arrays.asList(defaulted((String) c).trim().split("\\s+"));
    }

    private static String after(List<String> args, String flag) {
        int i = args.indexOf(flag);
        assertTrue(i >= 0 && i + 1 < args.size(), flag + " missing in " + args);
        return args.get(i + 1);
    }

    /** Maps a path inside a service's container to the host path its bind mount serves it from. */
    private static Path hostPath(String service, String containerPath) {
        for (String volume : volumes(service)) {
            String[] parts = defaulted(volume).split(":");
            String source = parts[0];
            if ((source.startsWith(".") || source.startsWith("/")) && (containerPath + "/").startsWith(parts[1] + "/")) {
                return Build.ROOT.resolve(source).resolve("./" + containerPath.substring(parts[1].length())).normalize();
            }
        }
        throw new AssertionError(service + " mounts nothing at " + containerPath + ": " + volumes(service));
    }

    private static List<String> volumeTargets(String service) {
        List<String> targets = new ArrayList<>();
        for (String volume : volumes(service)) {
            targets.add(defaulted(volume).split(":")[1]);
        }
        return targets;
    }

    @SuppressWarnings("unchecked")
    private static List<String> volumes(String service) {
        return (List<String>) services.get(service).get("volumes");
    }

    /** {@code ${VAR:-default}} → default: what Compose uses when the variable is unset, as in CI. */
    private static String defaulted(String source) {
        return source.replaceAll("\\$\\{[A-Z_]+:-([^}]*)}", "$1");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object child = parent.get(key);
        assertTrue(child instanceof Map, key + " missing");
        return (Map<String, Object>) child;
    }
}
