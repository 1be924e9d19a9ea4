package dev.realtime.benchmarks;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.realtime.benchmarks.GcLog.Pause;
import dev.realtime.benchmarks.GcLog.Pauses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link GcLog}, on logs captured from JDK 17 and 25 with
 * {@link GcLog#jvmOption(Path)}.
 *
 * @author Realtime team
 */
class GcLogTests {

	@Test
	void whenG1LogIsReadThenEveryPauseIsFoundAndNoPhase() {
		List<Pause> pauses = GcLog.read(sample("g1-jdk17.log"));
		assertThat(pauses).hasSize(11);
		assertThat(pauses.get(0))
			.isEqualTo(new Pause(1796419255653L, 7.695, "Pause Young (Normal) (G1 Evacuation Pause) 6M->3M(66M)"));
		assertThat(pauses).extracting(Pause::kind)
			.anyMatch((kind) -> kind.startsWith("Pause Remark"))
			.anyMatch((kind) -> kind.startsWith("Pause Cleanup"))
			.anyMatch((kind) -> kind.startsWith("Pause Full (System.gc())"));
		Pauses all = GcLog.between(pauses, 0, Long.MAX_VALUE);
		assertThat(all.count()).isEqualTo(11);
		assertThat(all.p50()).isEqualTo(7.695);
		assertThat(all.p99()).isEqualTo(20.444);
		assertThat(all.max()).isEqualTo(20.444);
		assertThat(all.total()).isCloseTo(81.21, within(0.001));
	}

	@Test
	void whenWindowIsGivenThenOnlyPausesEndingInItCount() {
		List<Pause> pauses = GcLog.read(sample("g1-jdk17.log"));
		// GC(0) to GC(2) ended at ...653, ...755 and ...856
		Pauses window = GcLog.between(pauses, 1796419255653L, 1796419255856L);
		assertThat(window.count()).isEqualTo(3);
		assertThat(window.max()).isEqualTo(8.643);
		assertThat(GcLog.between(pauses, 0, 1).count()).isZero();
		assertThat(GcLog.between(pauses, 0, 1).max()).isZero();
	}

	@Test
	void whenZgcLogIsReadThenEachOfItsShortPausesCounts() {
		assertThat(GcLog.read(sample("zgc-jdk17.log"))).hasSize(9)
			.allMatch((pause) -> pause.millis() < 0.1)
			.extracting(Pause::kind)
			.contains("Pause Mark Start", "Pause Mark End", "Pause Relocate Start");
		List<Pause> generational = GcLog.read(sample("generational-zgc-jdk25.log"));
		assertThat(generational).hasSize(9);
		assertThat(generational.get(0)).isEqualTo(new Pause(1796419267869L, 0.025, "Pause Mark Start (Major)"));
	}

	@Test
	void whenParallelOrShenandoahLogIsReadThenPausesAreFoundAndConcurrentPhasesAreNot() {
		assertThat(GcLog.between(GcLog.read(sample("parallel-jdk17.log")), 0, Long.MAX_VALUE).max()).isEqualTo(40.713);
		assertThat(GcLog.read(sample("shenandoah-jdk17.log"))).hasSize(5)
			.extracting(Pause::kind)
			.noneMatch((kind) -> kind.contains("Concurrent"));
	}

	@Test
	void whenPauseLineCannotBeReadThenReadingFails(@TempDir Path directory) throws IOException {
		Path log = directory.resolve("gc.log");
		Files.writeString(log,
				"""
						[0.519s][1796419255653ms][gc       ] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 6M->3M(66M) 7.695ms
						[0.620s][gc       ] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 7M->3M(66M) 3.972ms
						[0.722s][1796419255856ms][gc       ] GC(2) Pause Young (Normal) (G1 Evacuation Pause) 13M->11M(66M) 8.643ms
						""");
		assertThatIllegalStateException().isThrownBy(() -> GcLog.read(log)).withMessageContaining("line 2");
	}

	@Test
	void whenLastLineIsHalfWrittenOrFileIsMissingThenTheyAreSkipped(@TempDir Path directory) throws IOException {
		Path log = directory.resolve("gc.log");
		assertThat(GcLog.read(log)).isEmpty();
		Files.writeString(log,
				"""
						[0.519s][1796419255653ms][gc       ] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 6M->3M(66M) 7.695ms
						[0.620s][1796419255755ms][gc       ] GC(1) Pause Young (Normal) (G1 Evac""");
		assertThat(GcLog.read(log)).hasSize(1);
	}

	@Test
	void whenJvmOptionIsBuiltThenItNamesTheTagsFileAndDecorators() {
		assertThat(GcLog.jvmOption(Path.of("/tmp/x/gc.log")))
			.isEqualTo("-Xlog:gc,gc+phases:file=/tmp/x/gc.log:timemillis,uptime,tags:filecount=0");
	}

	private static Path sample(String name) {
		try {
			return Path.of(GcLogTests.class.getResource("/gc/" + name).toURI());
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
