package dev.realtime;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.socket.WebSocketHandler;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The architecture rules of the library, checked on its compiled classes.
 */
class ArchitectureTests {

	private static final JavaClasses library = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.realtime");

	@Test
	void packagesHaveNoCycles() {
		SliceAssignment byPackage = new SliceAssignment() {

			@Override
			public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
				return SliceIdentifier.of(javaClass.getPackageName());
			}

			@Override
			public String getDescription() {
				return "every package";
			}

		};
		slices().assignedFrom(byPackage).should().beFreeOfCycles().check(library);
	}

	@Test
	void apiAndEngineSpiDependOnNoImplementation() {
		ArchRule rule = noClasses().that()
			.resideInAnyPackage("dev.realtime", "dev.realtime.engine")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.realtime.engine.memory..", "dev.realtime.engine.redis..", "dev.realtime.support..",
					"dev.realtime.delivery..", "dev.realtime.server..", "dev.realtime.autoconfigure..",
					"dev.realtime.catalog..", "dev.realtime.token..", "dev.realtime.run..", "dev.realtime.actuate..");
		rule.check(library);
	}

	@Test
	void hubDependsOnNoWebStack() {
		noClasses().that()
			.resideInAnyPackage("dev.realtime.server", "dev.realtime.delivery")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.realtime.server.webflux..", "dev.realtime.server.webmvc..",
					"org.springframework.web.reactive..", "org.springframework.web.servlet..",
					"org.springframework.web.socket..", "org.springframework.http.server..", "jakarta.servlet..",
					"jakarta.websocket..", "reactor.netty..", "io.netty..")
			.check(library);
	}

	@Test
	void webStacksDependOnEachOtherNever() {
		noClasses().that()
			.resideInAPackage("dev.realtime.server.webflux..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.realtime.server.webmvc..", "org.springframework.web.servlet..",
					"jakarta.servlet..")
			.check(library);
		noClasses().that()
			.resideInAPackage("dev.realtime.server.webmvc..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.realtime.server.webflux..", "org.springframework.web.reactive..",
					"reactor.netty..")
			.allowEmptyShould(true)
			.check(library);
	}

	@Test
	void enginesNeverDependOnTheHub() {
		noClasses().that()
			.resideInAPackage("dev.realtime.engine..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.realtime.delivery..", "dev.realtime.server..")
			.check(library);
	}

	@Test
	void presenceDependsOnTheEngineSpiAndNoWebStack() {
		noClasses().that()
			.resideInAPackage("dev.realtime.presence..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.realtime.engine.memory..", "dev.realtime.engine.redis..", "dev.realtime.server..",
					"dev.realtime.delivery..", "dev.realtime.run..", "dev.realtime.token..",
					"dev.realtime.autoconfigure..", "org.springframework.web..", "jakarta.servlet..", "reactor.netty..")
			.check(library);
	}

	@Test
	void statisticsAndObservationsDependOnNothingOfOursNorOnMicrometerMeters() {
		noClasses().that()
			.resideInAPackage("dev.realtime.metrics..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.realtime", "dev.realtime.engine..", "dev.realtime.delivery..",
					"dev.realtime.server..", "dev.realtime.support..", "dev.realtime.run..", "dev.realtime.token..",
					"dev.realtime.catalog..", "dev.realtime.autoconfigure..", "dev.realtime.actuate..",
					"dev.realtime.presence..", "io.micrometer.core..")
			.check(library);
	}

	@Test
	void deliveryDependsOnlyOnTheEngineSpi() {
		noClasses().that()
			.resideInAPackage("dev.realtime.delivery..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.realtime.engine.memory..", "dev.realtime.engine.redis..", "dev.realtime.server..",
					"dev.realtime.support..", "dev.realtime.run..", "dev.realtime.token..", "dev.realtime.catalog..",
					"dev.realtime.autoconfigure..", "dev.realtime.actuate..")
			.check(library);
	}

	@Test
	void onlyAutoConfigurationDependsOnAutoConfiguration() {
		noClasses().that()
			.resideOutsideOfPackage("dev.realtime.autoconfigure..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.realtime.autoconfigure..")
			.check(library);
	}

	@Test
	void autoConfigurationsArePublicFinalWithPackagePrivateBeanMethods() {
		classes().that()
			.areAnnotatedWith(AutoConfiguration.class)
			.should()
			.bePublic()
			.andShould()
			.haveModifier(JavaModifier.FINAL)
			.check(library);
		methods().that()
			.areAnnotatedWith(Bean.class)
			.and()
			.areDeclaredInClassesThat()
			.resideInAPackage("dev.realtime.autoconfigure..")
			.should()
			.notBePublic()
			.andShould()
			.notBeAnnotatedWith(ConditionalOnClass.class)
			.check(library);
	}

	@Test
	void nothingBlocks() {
		noClasses().should(callBlockingReactorMethods()).check(library);
	}

	@Test
	void handlersKeepNoPerConnectionStateInFields() {
		classes().that()
			.resideInAPackage("dev.realtime.server..")
			.and(handlers())
			.should()
			.haveOnlyFinalFields()
			.check(library);
	}

	private static DescribedPredicate<JavaClass> handlers() {
		return DescribedPredicate
			.describe("are endpoint handlers", (javaClass) -> javaClass.isAssignableTo(WebSocketHandler.class)
					|| javaClass.getMethods().stream().anyMatch((method) -> method.getName().equals("handleRequest")));
	}

	private static ArchCondition<JavaClass> callBlockingReactorMethods() {
		return new ArchCondition<>("call block(), blockFirst() or blockLast()") {

			@Override
			public void check(JavaClass javaClass, ConditionEvents events) {
				for (JavaMethodCall call : javaClass.getMethodCallsFromSelf()) {
					String owner = call.getTargetOwner().getPackageName();
					String name = call.getName();
					if (owner.startsWith("reactor.core.publisher") && name.matches("block(First|Last)?")) {
						events.add(SimpleConditionEvent.satisfied(call, call.getDescription()));
					}
				}
			}

		};
	}

}
