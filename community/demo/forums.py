"""Demo forums: the conversations of the OSCs of the Estado de México, all of it fictional.

``seed()`` (run by ``flask seed-demo`` after the demo accounts, OSCs and events) creates the
board (general, regional and thematic categories, the DGPS announcements where only staff open
topics, and "Red de OSC validadas" for OSC members only) and about 170 topics with their
replies, written through the real services (``create_topic``, ``reply``, ``moderation``), so
numbering, counters, subscriptions, mentions, notifications and the search index all hold.

Who writes: the admins of the validated demo OSCs (often on behalf of their OSC), the demo
citizens the events demo created, the demo citizen (who administers an OSC in
Nezahualcóyotl) and the demo staff, who answers questions and publishes the pinned
announcements. Replies quote earlier posts and @mention people and OSCs by their handles; a few
posts are reported (open in the moderation queue), two are hidden by staff, one is withdrawn by
its author, and an old announcement is locked.

Dates: each topic starts on a day of the past eight months and its replies follow over the
next days; the services take that ``now`` and the notifications they create are moved back to
the same moment (older ones read), so the notification badges show recent activity only.
Everything comes from ``random.Random(SEED)``; a topic whose title exists in its category is
skipped, so running it twice adds nothing. It all runs inside ``quiet()``: nobody is pushed
live, or mailed, anything about demo data.
"""

from __future__ import annotations

import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import event, select

from community.accounts.models import User
from community.core.aftercommit import quiet
from community.core.models import AuditEntry, Municipality, Notification
from community.core.timeutil import utcnow
from community.demo import accounts
from community.demo.accounts import CITIZEN_EMAIL, DEMO_DOMAIN, STAFF_EMAIL
from community.demo.fake import km, places_from_catalogue
from community.extensions import db
from community.forums import moderation, services
from community.forums.models import Category, Post, Topic
from community.forums.notices import handle_of
from community.profiles.models import Membership, Organization

SEED = 2028
DAYS_BACK = 240
RECENT_UNREAD_DAYS = 10  # notifications older than this are marked read

# --------------------------------------------------------------------------------------------
# The board
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategorySpec:
    slug: str
    name: str
    description: str
    group: str
    staff_topics_only: bool = False
    members_only: bool = False


CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec("avisos-dgps", "Avisos de la DGPS",
                 "Convocatorias, talleres, fechas del Registro Social Estatal y cambios en la "
                 "plataforma. Solo el personal abre temas; puedes responder con tus dudas.",
                 "anuncios", staff_topics_only=True),
    CategorySpec("bienvenida", "Bienvenida y presentaciones",
                 "Preséntate y presenta a tu organización: qué hacen, dónde y con quién "
                 "quieren colaborar.", "general"),
    CategorySpec("preguntas-generales", "Preguntas generales",
                 "Dudas sobre la plataforma, el padrón validado y la vida de una OSC que no "
                 "encajan en otra categoría.", "general"),
    CategorySpec("valle-de-toluca", "Valle de Toluca",
                 "Toluca, Metepec, Zinacantepec, Lerma, San Mateo Atenco y municipios "
                 "vecinos: alianzas, espacios y actividades de la región.", "region"),
    CategorySpec("valle-de-mexico-oriente", "Valle de México: oriente",
                 "Nezahualcóyotl, Chimalhuacán, La Paz, Chalco, Ixtapaluca, Texcoco y la "
                 "zona oriente.", "region"),
    CategorySpec("valle-de-mexico-norte", "Valle de México: norte y poniente",
                 "Ecatepec, Tlalnepantla, Naucalpan, Cuautitlán Izcalli, Tecámac, Coacalco, "
                 "Tultitlán, Huixquilucan y Atizapán.", "region"),
    CategorySpec("region-norte", "Región norte",
                 "Atlacomulco, Ixtlahuaca, Jilotepec, San Felipe del Progreso, Acambay, "
                 "El Oro y los pueblos mazahuas y otomíes de la región.", "region"),
    CategorySpec("region-sur", "Región sur",
                 "Tejupilco, Tenancingo, Valle de Bravo, Ixtapan de la Sal, Tenango del Valle "
                 "y el sur del estado.", "region"),
    CategorySpec("procuracion-de-fondos", "Procuración de fondos",
                 "Donativos, convocatorias, fundaciones, empresas y coinversión social: lo que "
                 "les ha funcionado para sostener su trabajo.", "tema"),
    CategorySpec("fiscal-y-contable", "Fiscal y contable",
                 "RFC, comprobantes, declaración anual, donataria autorizada e informe de "
                 "transparencia ante el SAT.", "tema"),
    CategorySpec("constitucion-legal-y-cluni", "Constitución legal y CLUNI",
                 "Acta constitutiva, objeto social, protocolización, CLUNI y Registro Social "
                 "Estatal.", "tema"),
    CategorySpec("voluntariado", "Voluntariado",
                 "Convocar, capacitar, cuidar y reconocer a las personas voluntarias; "
                 "servicio social y prácticas profesionales.", "tema"),
    CategorySpec("visibilidad-y-comunicacion", "Visibilidad y comunicación",
                 "Redes sociales, prensa, identidad gráfica y el Manual de Visibilidad de la "
                 "DGPS.", "tema"),
    CategorySpec("gobernanza", "Gobernanza",
                 "Asamblea, consejo directivo, estatutos, actas, transparencia y rendición de "
                 "cuentas.", "tema"),
    CategorySpec("red-osc-validadas", "Red de OSC validadas",
                 "Espacio reservado a integrantes de OSC del padrón validado: alianzas, "
                 "enlaces y proyectos conjuntos.", "general", members_only=True),
)

# The municipality at the centre of each region: an OSC belongs to the nearest one.
REGION_CENTRES = {
    "valle-de-toluca": ("15106", "15054", "15051"),
    "valle-de-mexico-oriente": ("15058", "15025", "15099", "15039"),
    "valle-de-mexico-norte": ("15104", "15033", "15121", "15057", "15081"),
    "region-norte": ("15014", "15042", "15045", "15074"),
    "region-sur": ("15082", "15088", "15110", "15040"),
}

# --------------------------------------------------------------------------------------------
# What people write
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicSpec:
    """One demo topic. ``by``: "osc" (an OSC admin, on behalf of the OSC or not), "staff",
    "citizen" (the demo citizen) or "person" (a demo citizen without an OSC). ``replies`` are
    written first, then some of the category's common replies. Texts may use ``{mun}`` and
    ``{org}`` (the author's municipality and OSC) and ``{author}`` (a mention of whoever opened
    the topic)."""

    category: str
    title: str
    body: str
    replies: tuple[str, ...] = ()
    by: str = "osc"
    pinned: bool = False
    locked: bool = False
    staff_answers: bool = False


def _t(category: str, title: str, body: str, *replies: str, **flags) -> TopicSpec:
    return TopicSpec(category, title, body, tuple(replies), **flags)


ANNOUNCEMENTS = (
    _t("avisos-dgps", "Reglas de convivencia de los foros",
       "Estos foros son de las organizaciones de la sociedad civil del Estado de México. Para "
       "que sigan siendo útiles:\n\n"
       "- **Trato respetuoso**: se debaten ideas, no personas.\n"
       "- **Sin publicidad** de productos o servicios ajenos al trabajo de las OSC.\n"
       "- **Sin datos personales** de personas beneficiarias.\n"
       "- Si algo no está bien, usa el botón *Reportar*; el equipo de moderación lo revisa.\n\n"
       "Cualquier duda, respondan aquí.",
       "Gracias por el espacio. ¿Podemos compartir convocatorias de otras instancias?",
       "Sí, siempre que sean gratuitas y para OSC; usen la categoría que corresponda.",
       by="staff", pinned=True),
    _t("avisos-dgps", "Calendario de asesorías en los municipios este semestre",
       "El Proyecto de Vinculación y Concertación con Organizaciones Sociales acerca la "
       "**asesoría, capacitación y profesionalización** a los municipios. Este semestre "
       "visitaremos Atlacomulco, Tejupilco, Texcoco y Cuautitlán Izcalli. Consulten las fechas "
       "en la sección de eventos y registren a su organización.",
       "¿Habrá fecha en Valle de Bravo? Somos varias OSC en la zona.",
       "Lo tomamos en cuenta para el siguiente semestre; escríbannos cuántas OSC serían.",
       by="staff", pinned=True),
    _t("avisos-dgps", "Actualización anual de datos del padrón validado",
       "Recuerden confirmar cada año que los datos de su organización siguen vigentes: "
       "domicilio, representante legal, objeto social y contacto. Las OSC con la "
       "confirmación vencida dejan de aparecer como vigentes en el padrón.",
       "¿Dónde se hace la confirmación?",
       "En el perfil de tu OSC, botón «Confirmar que los datos siguen vigentes».",
       by="staff"),
    _t("avisos-dgps", "Convocatoria: Congreso Estatal del Tercer Sector",
       "Abrimos el registro al Congreso Estatal del Tercer Sector. Habrá conferencias, "
       "mesas de trabajo sobre **sostenibilidad financiera**, transparencia y rendición de "
       "cuentas, y un espacio para que las OSC presenten sus proyectos sociales y productivos.",
       "¿Se puede presentar un proyecto que aún está en diseño?",
       "Sí, en la mesa de proyectos en desarrollo.", by="staff"),
    _t("avisos-dgps", "Descuento en protocolización con el Colegio de Notarios",
       "Gracias al convenio con el Colegio de Notarios del Estado de México, los grupos "
       "sociales que quieren constituirse como asociación civil tienen un **descuento en la "
       "protocolización** del acta constitutiva. Pidan su carta de canalización en la DGPS.",
       by="staff"),
    _t("avisos-dgps", "Mantenimiento de la plataforma el sábado por la mañana",
       "El sábado de 7:00 a 9:00 la plataforma estará en mantenimiento. No se perderá "
       "nada de lo que hayan escrito.", by="staff", locked=True),
    _t("avisos-dgps", "Nuevo material: Manual de Visibilidad para OSC",
       "Ya está en la biblioteca el **[Manual de Visibilidad](/biblioteca/manual-de-"
       "visibilidad-para-organizaciones-de-la-sociedad-civil)**: cómo difundir el objeto "
       "social de su organización, preparar un boletín de prensa y cuidar su identidad "
       "gráfica.", by="staff"),
    _t("avisos-dgps", "Encuesta de satisfacción de las asesorías",
       "Si recibieron asesoría o capacitación este año, ayúdennos a mejorar respondiendo la "
       "encuesta de satisfacción. Son cinco minutos.", by="staff"),
)

GENERAL = (
    _t("preguntas-generales", "¿Cómo publico a nombre de mi organización?",
       "Soy administradora de una OSC y quiero que mis respuestas salgan con el nombre de la "
       "organización y no con el mío. ¿Se puede?",
       "Al escribir aparece «Publicar como»; elige tu OSC. Solo salen las OSC de las que "
       "formas parte.", staff_answers=True),
    _t("preguntas-generales", "¿Qué significa que una OSC esté «validada»?",
       "Vi que algunas organizaciones tienen la insignia de validada. ¿Qué revisa la DGPS?",
       "Que los documentos coincidan con lo registrado: acta, RFC, CLUNI si la tiene, "
       "domicilio y representante.", staff_answers=True),
    _t("preguntas-generales", "Ya no me llegan los avisos por correo",
       "Antes me llegaba un correo con cada mención y ahora nada.",
       "Revisa en tu cuenta la preferencia de correo: cada vez, resumen diario o nunca.",
       by="person"),
    _t("preguntas-generales", "¿Puedo invitar a otra persona de mi OSC?",
       "Somos tres en la mesa directiva y solo yo tengo cuenta.",
       "Desde el perfil de la OSC, en «Integrantes», puedes invitarlas por correo."),
    _t("preguntas-generales", "¿Las OSC de otros estados pueden participar?",
       "Trabajamos en Hidalgo pero tenemos un proyecto en Tecámac.", by="person",
       staff_answers=True),
    _t("preguntas-generales", "Sugerencia: un directorio de servicios gratuitos",
       "Estaría bien tener una lista de servicios gratuitos para OSC: asesoría jurídica, "
       "contable, espacios para talleres. ¿Qué opinan?"),
    _t("preguntas-generales", "¿Dónde encuentro las constancias de los talleres?",
       "Asistí al taller de marco lógico y no encuentro mi constancia.",
       "En «Mis registros», junto a cada evento al que asististe.", by="person"),
    _t("preguntas-generales", "Diferencia entre asociación civil e IAP",
       "Estamos por constituirnos. ¿Qué conviene más, A.C. o Institución de Asistencia "
       "Privada?", staff_answers=True),
    _t("preguntas-generales", "¿Cómo cambio el domicilio de mi organización?",
       "Nos mudamos de Metepec a Toluca.",
       "Edita el perfil; el cambio de domicilio lo revisa el personal antes de publicarse."),
    _t("preguntas-generales", "Propuesta: reuniones virtuales mensuales entre OSC",
       "Una hora al mes para compartir avances y problemas. ¿Alguien se suma a organizarlo?"),
)

FUNDRAISING = (
    _t("procuracion-de-fondos", "¿Qué fundaciones apoyan proyectos en el Estado de México?",
       "Estamos armando nuestro plan anual de procuración. ¿Qué fundaciones empresariales "
       "han apoyado proyectos aquí? Nos enfocamos en niñez y educación.",
       "Nosotros recibimos apoyo de una fundación de una cadena de autoservicio, por "
       "convocatoria anual."),
    _t("procuracion-de-fondos", "Redondeo en tiendas: ¿vale la pena?",
       "Nos ofrecieron participar en un programa de redondeo. ¿Alguien tiene experiencia?",
       "Deja buen dinero pero piden reportes trimestrales muy detallados."),
    _t("procuracion-de-fondos", "Cómo armar una campaña de donativos individuales",
       "Queremos dejar de depender de una sola convocatoria. ¿Cómo empezaron con donantes "
       "individuales? ¿Domiciliación, eventos, colectas?"),
    _t("procuracion-de-fondos", "Convocatoria de coinversión social: dudas del presupuesto",
       "¿Cómo justifican los gastos de operación en el presupuesto? Nos rechazaron el año "
       "pasado por «gastos no elegibles».",
       "Pidan la lista de conceptos elegibles antes de armar el presupuesto."),
    _t("procuracion-de-fondos", "Sostenibilidad financiera: ¿alguien vende productos?",
       "Tenemos un taller de costura con mujeres de la comunidad y pensamos vender lo que "
       "hacen. ¿Cómo lo manejan fiscalmente?", by="citizen", staff_answers=True),
    _t("procuracion-de-fondos", "Carta de intención para empresas: ¿tienen modelo?",
       "Vamos a visitar empresas del parque industrial. ¿Alguien comparte un modelo de "
       "carta para pedir donativos en especie?"),
    _t("procuracion-de-fondos", "Cooperación internacional para OSC pequeñas",
       "Las convocatorias internacionales piden auditorías y años de experiencia. ¿Hay "
       "opciones para organizaciones pequeñas?",
       "Busquen aliarse con una OSC más grande como socia principal."),
    _t("procuracion-de-fondos", "Colecta anual: permisos municipales",
       "Queremos hacer colecta en la vía pública en diciembre. ¿Qué permisos pidieron?"),
    _t("procuracion-de-fondos", "Plataformas de fondeo colectivo: experiencias",
       "¿Les ha funcionado el fondeo colectivo en línea? ¿Cuánto cobran de comisión?"),
    _t("procuracion-de-fondos", "Informe a donantes: ¿qué tan detallado?",
       "Un donante nos pidió un informe de impacto. ¿Qué indicadores usan?",
       "Nosotros reportamos personas atendidas, sesiones y un testimonio con permiso."),
)

FISCAL = (
    _t("fiscal-y-contable", "Declaración anual de personas morales con fines no lucrativos",
       "¿Cuándo vence la declaración anual para asociaciones civiles y qué régimen usan?",
       "Vence en febrero; régimen de personas morales con fines no lucrativos.",
       staff_answers=True),
    _t("fiscal-y-contable", "Informe de transparencia de donatarias autorizadas",
       "Es nuestro primer año como donataria autorizada. ¿Qué se reporta en el informe de "
       "transparencia y cuándo?"),
    _t("fiscal-y-contable", "¿Cómo emitir recibos deducibles?",
       "Ya somos donataria autorizada. ¿Cómo emitimos el CFDI de donativo?"),
    _t("fiscal-y-contable", "Contador para OSC a bajo costo en Toluca",
       "¿Alguien conoce contadores que apoyen a OSC con tarifas accesibles en el Valle de "
       "Toluca?"),
    _t("fiscal-y-contable", "Pagos a talleristas: ¿asimilados o honorarios?",
       "Contratamos talleristas por proyecto. ¿Cómo les pagan ustedes?"),
    _t("fiscal-y-contable", "Perdimos la autorización como donataria: ¿qué hacemos?",
       "No presentamos a tiempo el informe y nos revocaron la autorización. ¿Se puede "
       "recuperar?", "Sí, presentando los informes pendientes y pidiendo nueva autorización."),
    _t("fiscal-y-contable", "Cuenta bancaria a nombre de la asociación",
       "El banco nos pide muchos documentos para abrir cuenta. ¿Qué banco les fue más fácil?"),
    _t("fiscal-y-contable", "Comprobación de gastos en comunidades sin factura",
       "Trabajamos en comunidades donde nadie factura. ¿Cómo comprueban esos gastos?"),
    _t("fiscal-y-contable", "Opinión de cumplimiento del SAT para convocatorias",
       "Toda convocatoria pide la opinión de cumplimiento positiva. ¿Cada cuánto la "
       "renuevan?"),
)

LEGAL = (
    _t("constitucion-legal-y-cluni", "Pasos para obtener la CLUNI",
       "Ya tenemos acta constitutiva y RFC. ¿Qué sigue para la CLUNI y cuánto tarda?",
       "Se tramita en línea ante el Registro Federal de las OSC; a nosotros nos tardó "
       "como un mes.", staff_answers=True),
    _t("constitucion-legal-y-cluni", "¿Cómo redactar el objeto social?",
       "El notario nos pide el objeto social. ¿Conviene ponerlo amplio o concreto?",
       "Concreto, pero que quepan las actividades del artículo 5 de la ley federal que "
       "realmente hacen.", staff_answers=True),
    _t("constitucion-legal-y-cluni", "Registro Social Estatal: ¿es obligatorio?",
       "¿Qué beneficios tiene inscribirse en el Registro Social Estatal?", staff_answers=True),
    _t("constitucion-legal-y-cluni", "Cambio de representante legal",
       "Nuestra presidenta renunció. ¿Hay que protocolizar el acta de asamblea?"),
    _t("constitucion-legal-y-cluni", "Grupo social sin constituir: ¿podemos participar?",
       "Somos un grupo de vecinas que hace comedor comunitario desde hace dos años, sin acta. "
       "¿Podemos recibir asesoría?", by="person", staff_answers=True),
    _t("constitucion-legal-y-cluni", "Costos de constituir una asociación civil",
       "¿Cuánto les costó en total constituirse, entre notario, permiso de denominación y "
       "registro?"),
    _t("constitucion-legal-y-cluni", "Modificar estatutos para ser donataria",
       "El SAT nos pide cláusulas de patrimonio irrevocable. ¿Alguien tiene el texto?"),
    _t("constitucion-legal-y-cluni", "Informe anual al Registro Federal de las OSC",
       "¿Es el mismo informe que el del SAT? Nos confunde."),
    _t("constitucion-legal-y-cluni", "Comodato de un inmueble municipal",
       "El ayuntamiento nos ofrece un local en comodato. ¿Qué debe decir el contrato?"),
)

VOLUNTEERING = (
    _t("voluntariado", "¿Cómo retienen a las personas voluntarias?",
       "Llegan con mucho entusiasmo y a los dos meses se van. ¿Qué les funciona?",
       "Darles una tarea clara y reconocerles en público ayuda mucho."),
    _t("voluntariado", "Convenio de servicio social con universidades",
       "¿Con qué universidades tienen convenio de servicio social? Buscamos estudiantes de "
       "psicología y trabajo social."),
    _t("voluntariado", "Carta responsiva para voluntariado",
       "¿Usan alguna carta responsiva o acuerdo de voluntariado? ¿Qué incluye?"),
    _t("voluntariado", "Voluntariado corporativo: experiencias",
       "Una empresa quiere mandar 40 personas un sábado. ¿Cómo lo organizan sin que sea "
       "solo una foto?"),
    _t("voluntariado", "Capacitación inicial para voluntarios",
       "Estamos armando un curso de inducción. ¿Qué temas no pueden faltar?",
       "Protección de niñas y niños, confidencialidad y primeros auxilios."),
    _t("voluntariado", "Seguro de accidentes para voluntariado",
       "¿Alguien contrató seguro para sus voluntarios en brigadas de campo?"),
    _t("voluntariado", "Jornada de reforestación: buscamos voluntarios",
       "Haremos una jornada de reforestación en agosto. Necesitamos 60 personas."),
    _t("voluntariado", "Voluntariado de personas mayores",
       "Tenemos un grupo de personas jubiladas que quieren dar clases de regularización."),
)

VISIBILITY = (
    _t("visibilidad-y-comunicacion", "¿Qué red social les funciona mejor?",
       "Publicamos en todas y no sabemos cuál sirve. ¿Dónde encuentran a sus donantes y "
       "voluntarios?"),
    _t("visibilidad-y-comunicacion", "Boletín de prensa: ¿a quién se lo mandan?",
       "Vamos a inaugurar un centro comunitario. ¿Cómo contactan a medios locales?"),
    _t("visibilidad-y-comunicacion", "Fotos de personas beneficiarias: consentimiento",
       "¿Qué formato de consentimiento usan para publicar fotos, sobre todo de niñas y "
       "niños?", "Nunca publicamos rostros de menores; usamos fotos de espaldas o manos."),
    _t("visibilidad-y-comunicacion", "Logotipo y manual de identidad con poco presupuesto",
       "Queremos renovar el logotipo. ¿Alguien conoce diseñadores que apoyen a OSC?"),
    _t("visibilidad-y-comunicacion", "Contar resultados sin números aburridos",
       "Nuestro informe anual es pura tabla. ¿Cómo cuentan historias de impacto?"),
    _t("visibilidad-y-comunicacion", "Radio comunitaria para difundir",
       "En la región norte mucha gente escucha radio comunitaria. ¿Alguien tiene programa?"),
    _t("visibilidad-y-comunicacion", "Página web: ¿vale la pena?",
       "¿Tener página propia o basta con el perfil en esta plataforma y redes?"),
    _t("visibilidad-y-comunicacion", "Ideas para el Día Internacional del Voluntariado",
       "¿Qué harán el 5 de diciembre? Podríamos hacer una campaña conjunta."),
)

GOVERNANCE = (
    _t("gobernanza", "Asamblea anual: ¿cómo la convocan?",
       "Los estatutos dicen «por escrito con quince días de anticipación». ¿Vale un "
       "correo?"),
    _t("gobernanza", "Separar consejo directivo y operación",
       "Quien preside también coordina todo el trabajo diario. ¿Cómo lo separaron?",
       "Nombramos una coordinación operativa que reporta al consejo cada mes."),
    _t("gobernanza", "Políticas de transparencia para una OSC pequeña",
       "¿Qué publican ustedes: estados financieros, informe anual, nombres del consejo?"),
    _t("gobernanza", "Participación en consejos consultivos municipales",
       "Nos invitaron al consejo de participación ciudadana del municipio. ¿Qué tan útil es?"),
    _t("gobernanza", "Código de ética y conflicto de interés",
       "¿Tienen código de ética? Un integrante del consejo quiere vendernos servicios."),
    _t("gobernanza", "Relevo generacional en la mesa directiva",
       "Las fundadoras queremos dejar paso a gente joven. ¿Cómo lo hicieron?"),
    _t("gobernanza", "Incidencia en políticas públicas: por dónde empezar",
       "Queremos proponer un reglamento municipal de inclusión. ¿Alguien ha hecho "
       "incidencia con el cabildo?"),
    _t("gobernanza", "Libro de actas: ¿físico o digital?",
       "El notario nos pidió el libro de actas. ¿Lo llevan en papel?"),
)

MEMBERS = (
    _t("red-osc-validadas", "Directorio de enlaces por región",
       "Propongo que cada región nombre un enlace para compartir convocatorias. ¿Quién se "
       "anota?"),
    _t("red-osc-validadas", "Proyecto conjunto de comedores comunitarios",
       "Varias OSC del oriente tenemos comedores. ¿Armamos un proyecto para comprar en "
       "volumen?"),
    _t("red-osc-validadas", "Propuesta para el Congreso: mesa de sostenibilidad",
       "Podríamos presentar juntas nuestras experiencias de sostenibilidad financiera."),
    _t("red-osc-validadas", "Intercambio de espacios para talleres",
       "Tenemos un salón libre los sábados en Toluca; lo prestamos a OSC validadas."),
    _t("red-osc-validadas", "Posicionamiento sobre la ley estatal de fomento",
       "No hay un marco jurídico que diga derechos y obligaciones de OSC y Estado. "
       "¿Redactamos propuestas?"),
    _t("red-osc-validadas", "Formación de formadores entre OSC",
       "Las que ya dominan marco lógico podrían capacitar a las demás. ¿Interesadas?"),
    _t("red-osc-validadas", "Canalización de casos entre organizaciones",
       "Armemos un protocolo para canalizar casos de violencia entre OSC de la red."),
    _t("red-osc-validadas", "Compras consolidadas de material didáctico",
       "Si compramos juntas el material de inicio de ciclo, nos sale más barato."),
)

REGIONAL_TEMPLATES = (
    ("Buscamos aliados en {mun} para un proyecto comunitario",
     "Somos {org} y trabajamos en {mun}. Queremos presentar un proyecto a la siguiente "
     "convocatoria y buscamos OSC de la zona con quienes aliarnos. ¿Quién se suma?"),
    ("Espacio para talleres en {mun}: ¿alguien conoce uno?",
     "Necesitamos un salón para 30 personas en {mun}, de preferencia gratuito o en "
     "comodato. ¿Casas de cultura, parroquias, escuelas?"),
    ("Reunión de OSC de {mun} este mes",
     "Proponemos juntarnos las organizaciones de {mun} para conocernos y compartir lo que "
     "hacemos. ¿Qué día les acomoda?"),
    ("Transporte a las capacitaciones desde {mun}",
     "Las capacitaciones casi siempre son en Toluca y para nosotras el traslado es caro. "
     "¿Compartimos transporte desde {mun}?"),
    ("Diagnóstico de necesidades sociales en {mun}",
     "Estamos levantando un diagnóstico comunitario en {mun}. Si tienen datos de las "
     "colonias donde trabajan, nos ayudaría mucho."),
    ("Relación con el ayuntamiento de {mun}",
     "¿Cómo les va con la dirección de desarrollo social de {mun}? Queremos pedir apoyo "
     "para una jornada de salud."),
    ("Voluntarios de {mun} para brigada de salud",
     "Organizamos una brigada de salud en {mun} y buscamos personas voluntarias: "
     "enfermería, nutrición y trabajo social."),
    ("Feria de OSC en {mun}",
     "Queremos hacer una feria donde cada OSC de {mun} ponga un stand para que la gente "
     "conozca su trabajo."),
)

INTRO_TITLES = (
    "Hola, somos {org}", "Presentación de {org}", "Les saluda {org}, de {mun}",
    "{org} se une a la comunidad",
)
INTRO_BODIES = (
    "Somos {org}, de {mun}. {mission}\n\nNos interesa conocer a otras organizaciones que "
    "trabajen en temas parecidos. ¡Gracias por el espacio!",
    "Hola a todas y todos. Les presento a {org}: {mission}\n\nTrabajamos en {mun} y estamos "
    "abiertas a colaborar.",
)


# Common replies by kind of category; {author} mentions whoever opened the topic.
COMMON_REPLIES = {
    "tema": (
        "Nos pasó lo mismo el año pasado. Lo que nos sirvió fue pedir asesoría a la DGPS "
        "antes de entregar.",
        "Muy buena pregunta, {author}. Nosotras lo resolvimos con una plantilla que "
        "compartimos entre varias OSC.",
        "En el último taller de la DGPS tocaron justo este tema; la presentación está en la "
        "biblioteca.",
        "Les recomiendo documentar todo desde el principio: actas, listas de asistencia y "
        "fotos.",
        "Coincido. Además, conviene revisar los estatutos antes de decidir.",
        "¿Alguien tiene un ejemplo que pueda compartir? Nos serviría mucho.",
        "Nosotros llevamos tres años haciéndolo así y nos ha funcionado bien.",
        "Gracias por abrir el tema; nos estábamos preguntando lo mismo.",
        "Depende mucho del tamaño de la organización; para las pequeñas, lo más sencillo.",
        "Si quieren lo platicamos en la próxima reunión regional.",
    ),
    "region": (
        "¡Cuenten con nosotras! Trabajamos a quince minutos de ahí.",
        "Nos sumamos, {author}. Podemos aportar el espacio y el café.",
        "La casa de cultura presta el auditorio con una solicitud por escrito.",
        "Buena idea. ¿Hacemos un grupo para organizarnos?",
        "Nosotros no podemos ese mes, pero avísennos de la siguiente.",
        "Conocemos a la directora de desarrollo social; podemos presentarles.",
        "Propongo un sábado por la mañana, entre semana es difícil para las voluntarias.",
        "Interesante. ¿Ya tienen fecha?",
    ),
    "general": (
        "Gracias por la información.",
        "A mí también me pasó, {author}; ya quedó.",
        "Me sumo a la propuesta.",
        "Excelente idea, ojalá se concrete.",
        "Buena pregunta; yo tenía la misma duda.",
    ),
    "intro": (
        "¡Bienvenidas! Qué gusto tenerlas aquí, {author}.",
        "Bienvenidos. Nosotras trabajamos en temas parecidos; con gusto platicamos.",
        "¡Qué bonito trabajo! Si necesitan apoyo con la CLUNI, aquí estamos.",
        "Bienvenida a la comunidad. Les recomiendo la categoría de su región.",
        "Nos encantaría colaborar. Les escribo por mensaje privado.",
    ),
    "anuncios": (
        "Gracias por el aviso.",
        "¿Habrá transmisión en línea para quienes no podemos viajar?",
        "Ya registramos a nuestra organización.",
        "Excelente, lo compartimos con nuestra red.",
    ),
}

STAFF_ANSWERS = (
    "Hola, {author}. Con gusto te orientamos: puedes pedir una asesoría sin costo en la "
    "Dirección General de Participación Social o en la próxima visita a tu región.",
    "Buena pregunta, {author}. Lo explicamos en el último taller; el material está en la "
    "biblioteca y, si te quedan dudas, agenda una asesoría con nosotros.",
    "Hola, {author}. Sí se puede. Te recomendamos revisar los requisitos en la sección de "
    "trámites y, si algo no queda claro, escríbenos por mensaje privado.",
)

# Replies that go to the moderation queue: (text, reasons of the reports, hidden by staff).
REPORTED = (
    ("Vendo seguidores y «me gusta» para las redes de su OSC, precios especiales. "
     "Escríbanme por WhatsApp.", ("Es publicidad.", "Spam, no tiene que ver con el tema."),
     "Publicidad no relacionada con el trabajo de las OSC."),
    ("Esa organización solo busca dinero, no les crean nada.",
     ("Es un ataque a otra organización sin pruebas.",), "Ataque personal sin fundamento."),
    ("Les comparto el teléfono de la señora que atendimos ayer para que la ayuden: "
     "722 000 0000.", ("Publica datos personales de una persona beneficiaria.",), None),
    ("Préstamos inmediatos para asociaciones sin revisar buró.",
     ("Publicidad engañosa.",), None),
    ("No entiendo por qué la DGPS no atiende a mi municipio, siempre es lo mismo con este "
     "gobierno.", ("Lenguaje agresivo.",), None),
)
WITHDRAWN = "Perdón, me equivoqué de tema. Lo borro."

THEMATIC = FUNDRAISING + FISCAL + LEGAL + VOLUNTEERING + VISIBILITY + GOVERNANCE
INTRO_COUNT = 40
LONG_THREAD = ("Propuesta: reuniones virtuales mensuales entre OSC", 44)  # three pages

# --------------------------------------------------------------------------------------------
# Who writes
# --------------------------------------------------------------------------------------------


@dataclass
class Cast:
    """The demo people of the forums. ``osc``: (admin, OSC) of validated demo OSCs;
    ``regions``: the same pairs by region slug; ``persons``: demo citizens without an OSC."""

    staff: User
    citizen: tuple[User, Organization | None]
    osc: list[tuple[User, Organization]]
    regions: dict[str, list[tuple[User, Organization]]]
    persons: list[User]
    places: dict[str, str]  # municipality code -> name


def _osc_admins() -> list[tuple[User, Organization]]:
    rows = db.session.execute(
        select(User, Organization)
        .join(Membership, Membership.user_id == User.id)
        .join(Organization, Organization.id == Membership.organization_id)
        .where(Membership.role == "admin", Membership.status == "active",
               Organization.status == "validated", User.active.is_(True),
               User.email_confirmed_at.is_not(None), User.email.like(f"%@{DEMO_DOMAIN}"))
        .order_by(Organization.slug)).all()
    seen: set[int] = set()
    pairs = []
    for user, org in rows:  # one OSC per person, so each admin writes for one organization
        if user.id not in seen:
            seen.add(user.id)
            pairs.append((user, org))
    return pairs


def _by_region(osc: list[tuple[User, Organization]]) -> dict[str, list]:
    """Each OSC in the region of the nearest centre municipality (by the catalogue's
    coordinates), so every municipality of the state falls in exactly one region."""
    places = {p.code: p for p in places_from_catalogue()}
    regions: dict[str, list] = {slug: [] for slug in REGION_CENTRES}
    for pair in osc:
        place = places.get(pair[1].municipality_code)
        if place is None:
            continue  # an OSC from another state
        slug = min(REGION_CENTRES, key=lambda s: min(
            km(place, places[c]) for c in REGION_CENTRES[s]))
        regions[slug].append(pair)
    return regions


def _cast() -> Cast:
    staff = accounts.demo_account(STAFF_EMAIL)
    citizen = accounts.demo_account(CITIZEN_EMAIL)
    osc = _osc_admins()
    own = next((org for user, org in osc if user.id == citizen.id), None)
    osc = [pair for pair in osc if pair[0].id != citizen.id]
    persons = list(db.session.scalars(
        select(User).where(User.email.like(f"asistente%@{DEMO_DOMAIN}"), User.active.is_(True),
                           User.email_confirmed_at.is_not(None)).order_by(User.email)))
    places = dict(db.session.execute(select(Municipality.code, Municipality.name)).all())
    return Cast(staff=staff, citizen=(citizen, own), osc=osc, regions=_by_region(osc),
                persons=persons or [user for user, _ in osc[:20]], places=places)


# --------------------------------------------------------------------------------------------
# The plan: every topic with its author and date, decided before anything is written
# --------------------------------------------------------------------------------------------


@dataclass
class Planned:
    spec: TopicSpec
    author: User
    organization: Organization | None  # the author's OSC, if any
    on_behalf: bool
    start: datetime
    pool: str  # which COMMON_REPLIES
    repliers: list  # (person, OSC or None) who may reply


def _fill(text: str, author: User, org: Organization | None, cast: Cast) -> str:
    mun = cast.places.get(org.municipality_code, "") if org is not None else ""
    return text.format_map({"author": f"@{handle_of(author)}", "org": org.name if org else "",
                            "mun": mun})


def _first_sentence(mission: str | None) -> str:
    text = " ".join((mission or "").replace("*", "").split())
    end = text.find(". ")
    return text[:end + 1] if end > 0 else text


def _specs(cast: Cast, rng: random.Random) -> list[tuple[TopicSpec, tuple | None]]:
    """Every topic spec with, for generated ones, the (admin, OSC) that writes it."""
    specs: list[tuple[TopicSpec, tuple | None]] = [
        (spec, None) for spec in ANNOUNCEMENTS + GENERAL + THEMATIC + MEMBERS]
    for slug, pairs in cast.regions.items():
        pairs = pairs or cast.osc
        for title, body in REGIONAL_TEMPLATES:
            author = rng.choice(pairs)
            spec = TopicSpec(slug, _fill(title, *author, cast), _fill(body, *author, cast))
            specs.append((spec, author))
    for author in rng.sample(cast.osc, min(INTRO_COUNT, len(cast.osc))):
        org = author[1]
        title = _fill(rng.choice(INTRO_TITLES), *author, cast)[:services.TITLE_MAX]
        body = rng.choice(INTRO_BODIES).replace("{mission}", _first_sentence(org.mission)
                                                .replace("{", "(").replace("}", ")"))
        specs.append((TopicSpec("bienvenida", title, _fill(body, *author, cast)), author))
    return specs


def _author(spec: TopicSpec, chosen, cast: Cast, rng: random.Random):
    if chosen is not None:
        return chosen
    if spec.by == "staff":
        return cast.staff, None
    if spec.by == "person":
        return rng.choice(cast.persons), None
    if spec.by == "citizen" and cast.citizen[1] is not None:
        return cast.citizen
    return rng.choice(cast.osc)


def _repliers(spec: TopicSpec, cast: Cast) -> list:
    people = [(u, None) for u in cast.persons]
    if spec.category in cast.regions:
        return (cast.regions[spec.category] or cast.osc) + people[:8]
    if spec.category == "red-osc-validadas":
        return list(cast.osc)
    return list(cast.osc) + people + [cast.citizen]


def _pool(spec: TopicSpec) -> str:
    category = next(c for c in CATEGORIES if c.slug == spec.category)
    if spec.category == "bienvenida":
        return "intro"
    return {"tema": "tema", "region": "region", "anuncios": "anuncios"}.get(category.group,
                                                                           "general")


def plan(cast: Cast, now: datetime) -> list[Planned]:
    """The topics in the order they were opened, spread over the past DAYS_BACK days."""
    rng = random.Random(SEED)
    specs = _specs(cast, rng)
    starts = sorted(now - timedelta(days=DAYS_BACK) + timedelta(
        seconds=rng.uniform(0, (DAYS_BACK - 2) * 86400)) for _ in specs)
    rng.shuffle(specs)
    planned = []
    for (spec, chosen), start in zip(specs, starts, strict=True):
        author, org = _author(spec, chosen, cast, rng)
        planned.append(Planned(spec, author, org, org is not None and rng.random() < 0.5,
                               _office_hours(start), _pool(spec), _repliers(spec, cast)))
    return planned


def _office_hours(moment: datetime) -> datetime:
    """People write between 8:00 and 21:00 Mexico City time (UTC-6): 14:00 to 03:00 UTC."""
    hour = 14 + (moment.hour * 13) // 24
    return moment.replace(hour=hour % 24) + (timedelta(days=1) if hour >= 24 else timedelta())


# --------------------------------------------------------------------------------------------
# Writing it through the services
# --------------------------------------------------------------------------------------------

AUTHOR_THANKS = (
    "¡Gracias a todas y todos por sus respuestas! Nos sirvió muchísimo.",
    "Gracias. Les cuento cómo nos va.",
    "Muy útil, gracias. Ya lo estamos aplicando.",
)
OSC_MENTION = " Les recomiendo escribirle a @{slug}, tienen experiencia en esto."


class Clock:
    """Moves what the services stamp with the present (notifications, audit entries) back to
    the moment the demo act happened; notifications older than RECENT_UNREAD_DAYS are read,
    and every demo notification counts as mailed, so no later digest mails demo data.

    The rows are caught as they join the session and stamped in memory: a query per post
    to find them would double the seeding time."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.fresh: list = []

    def catch(self, _session, instance) -> None:
        if isinstance(instance, Notification | AuditEntry):
            self.fresh.append(instance)

    def settle(self, when: datetime) -> None:
        read = when + timedelta(hours=3) \
            if when < self.now - timedelta(days=RECENT_UNREAD_DAYS) else None
        for row in self.fresh:
            row.created_at = when
            if isinstance(row, Notification):
                row.read_at = read
                row.emailed_at = when
        self.fresh.clear()

    @contextmanager
    def watching(self, session):
        """Catch new rows while seeding."""
        event.listen(session, "transient_to_pending", self.catch)
        try:
            yield self
        finally:
            event.remove(session, "transient_to_pending", self.catch)


@dataclass
class Writer:
    cast: Cast
    clock: Clock
    categories: dict[str, Category]

    def topic(self, item: Planned) -> Topic:
        rng = random.Random(f"{SEED}:{item.spec.title}")
        raw = {"title": item.spec.title, "body": item.spec.body}
        if item.on_behalf:
            raw["organization"] = str(item.organization.id)
        topic = services.create_topic(item.author, self.categories[item.spec.category], raw,
                                      now=item.start)
        self.clock.settle(item.start)
        when = item.start
        for text, (person, org) in self._replies(item, rng):
            when += timedelta(minutes=rng.randint(20, 60 * 30))
            if when > self.clock.now - timedelta(hours=2):
                break
            self.reply(topic, person, org, _fill(text, item.author, item.organization,
                                                 self.cast), when, rng)
        self._flags(item.spec, topic)
        return topic

    def _replies(self, item: Planned, rng: random.Random) -> list[tuple[str, tuple]]:
        """Texts and writers: staff first when staff answers, then the spec's own replies,
        then common ones; sometimes the author thanks everyone at the end."""
        others = [p for p in item.repliers if p[0].id != item.author.id]
        count = LONG_THREAD[1] if item.spec.title == LONG_THREAD[0] else \
            rng.choices((0, 1, 2, 3, 4, 5, 6, 8), (1, 3, 4, 4, 3, 2, 2, 1))[0]
        pool = COMMON_REPLIES[item.pool] + (COMMON_REPLIES["tema"] if count > 10 else ())
        texts = list(item.spec.replies) + [rng.choice(pool) for _ in range(count)]
        pairs = [(text, rng.choice(others)) for text in texts]
        if item.spec.staff_answers:
            pairs.insert(0, (rng.choice(STAFF_ANSWERS), (self.cast.staff, None)))
        if pairs and rng.random() < 0.3:
            pairs.append((rng.choice(AUTHOR_THANKS), (item.author, item.organization)))
        return pairs

    def reply(self, topic: Topic, person: User, org, body: str, when: datetime,
              rng: random.Random) -> Post:
        raw = {"body": body}
        if org is not None and rng.random() < 0.4:
            raw["organization"] = str(org.id)
        if topic.last_post_number >= 3 and rng.random() < 0.2:
            quoted = self._quotable(topic, rng)
            if quoted is not None:
                raw["quote"] = str(quoted.id)
                raw["body"] = f"@{handle_of(quoted.author)} {body}"
        if rng.random() < 0.08:
            other = rng.choice(self.cast.osc)[1]
            raw["body"] += OSC_MENTION.format(slug=other.slug)
        post = services.reply(person, topic, raw, now=when)
        self.clock.settle(when)
        return post

    @staticmethod
    def _quotable(topic: Topic, rng: random.Random) -> Post | None:
        number = rng.randint(2, topic.last_post_number)
        post = db.session.scalar(select(Post).where(Post.topic_id == topic.id,
                                                    Post.number == number))
        return post if post is not None and post.status == "visible" and post.author else None

    def _flags(self, spec: TopicSpec, topic: Topic) -> None:
        for flag, action in ((spec.pinned, "pin"), (spec.locked, "lock")):
            if flag:
                moderation.moderate_topic(self.cast.staff, topic, {"action": action})
        if spec.pinned or spec.locked:
            self.clock.settle(topic.last_posted_at)

    def moderation_queue(self, topics: list[Topic], rng: random.Random) -> None:
        """Reported replies (two hidden by staff, the rest waiting in the queue) and one
        reply its author withdrew, in older public topics."""
        older = [t for t in topics if not t.category.members_only
                 and t.last_posted_at < self.clock.now - timedelta(days=4)]
        targets = rng.sample(older, min(len(REPORTED) + 1, len(older)))
        for (text, reasons, hidden), topic in zip(REPORTED, targets, strict=False):
            when = topic.last_posted_at + timedelta(hours=2)
            post = services.reply(rng.choice(self.cast.persons), topic, {"body": text}, now=when)
            self.clock.settle(when)
            for number, reason in enumerate(reasons, start=1):
                reporter = rng.choice([u for u, _ in self.cast.osc if u.id != post.author_id])
                moderation.report_post(reporter, post, reason,
                                       now=when + timedelta(hours=number))
                self.clock.settle(when + timedelta(hours=number))
            if hidden:
                moderation.hide_post(self.cast.staff, post, hidden, now=when + timedelta(days=1))
                self.clock.settle(when + timedelta(days=1))
        if len(targets) > len(REPORTED):
            topic = targets[-1]
            person, org = rng.choice(self.cast.osc)
            when = topic.last_posted_at + timedelta(hours=1)
            post = services.reply(person, topic, {"body": WITHDRAWN}, now=when)
            services.withdraw_post(person, post)
            self.clock.settle(when)


def _categories() -> dict[str, Category]:
    """The board's categories, created when missing (an existing slug is left as it is)."""
    existing = {c.slug: c for c in db.session.scalars(select(Category))}
    for position, spec in enumerate(CATEGORIES, start=1):
        if spec.slug not in existing:
            existing[spec.slug] = Category(
                slug=spec.slug, name=spec.name, description=spec.description,
                group=spec.group, position=position, staff_topics_only=spec.staff_topics_only,
                members_only=spec.members_only)
            db.session.add(existing[spec.slug])
    db.session.flush()
    return existing


def _latest_activity(categories: dict[str, Category]) -> None:
    """A category's last activity is its newest topic's (the services stamp each post as it
    is written, and the demo writes topics one after another, not in time order)."""
    for category in categories.values():
        category.last_posted_at = db.session.scalar(
            select(Topic.last_posted_at).where(Topic.category_id == category.id)
            .order_by(Topic.last_posted_at.desc()).limit(1))


def seed() -> list[Topic]:
    """Create the demo board and the topics that are missing; returns the new topics.

    Quiet: the replies, mentions and moderation push nothing live and mail nobody."""
    with quiet():
        return _seed()


def _seed() -> list[Topic]:
    session = db.session()
    categories = _categories()
    existing = set(db.session.execute(select(Category.slug, Topic.title).join(
        Topic, Topic.category_id == Category.id)).all())
    cast = _cast()
    now = utcnow()
    todo = [item for item in plan(cast, now)
            if (item.spec.category, item.spec.title) not in existing]
    clock = Clock(now)
    writer = Writer(cast, clock, categories)
    with clock.watching(session):
        created = [writer.topic(item) for item in todo]
        if created:
            writer.moderation_queue(created, random.Random(SEED + 1))
            _latest_activity(categories)
    db.session.flush()
    return created
